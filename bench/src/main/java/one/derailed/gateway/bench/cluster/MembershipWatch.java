package one.derailed.gateway.bench.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * MembershipWatch follows every node's log as it grows (and each node's {@code /readyz}, as
 * {@code ./derailed cluster status} does) and keeps what says the cluster changed: Pekko Cluster's lines for a node
 * joining, coming Up, becoming unreachable or reachable again, being downed (the split-brain resolver's decision)
 * or removed, leaving, and Artery quarantines; also the gateway's own "a node left" lines from guilds and users.
 * Everything after {@link #markSteady} counts as a change; before it the cluster was still forming. A /readyz that
 * answers something else than 200 is a change too; one that does not answer in 2 s is counted apart.
 */
public final class MembershipWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 500;
    /**
     * Not a change: the failure detector warning that a node's heartbeats come late, or a node that it sent its own
     * late (near misses on a busy host).
     */
    public static final String LATE_HEARTBEAT = "late heartbeat";
    private static final Map<String, String> KINDS = new LinkedHashMap<>();
    /** The interval a late-heartbeat warning names: the receiver's "N millis", the sender's "[N] ms ago". */
    private static final java.util.regex.Pattern INTERVAL = java.util.regex.Pattern.compile(
            ": (\\d+) millis|\\[(\\d+)\\] ms ago");

    static {
        KINDS.put("is JOINING", "joining");
        KINDS.put("to [Up]", "up");
        KINDS.put("as UNREACHABLE", "unreachable");
        KINDS.put("as REACHABLE", "reachable");
        KINDS.put("SBR took decision", "downing decision");
        KINDS.put("as [Down]", "down");
        KINDS.put("Leader is removing", "removed");
        KINDS.put("as [Leaving]", "leaving");
        KINDS.put("Exiting confirmed", "exiting");
        KINDS.put("quarantined", "quarantined");
        KINDS.put("a node left with sessions here", "guild dropped a node's sessions");
        KINDS.put("a node left with", "user lost a node's sessions");
        KINDS.put("heartbeat interval is growing too large", LATE_HEARTBEAT);
        KINDS.put("Scheduled sending of heartbeat was delayed", LATE_HEARTBEAT);
    }

    /** One line that says the cluster changed: when (epoch millis, from the log's time stamp), where, what. */
    public record Event(long millis, String node, String kind, String line) {
        /** A guild's or user's "a node left" line: what a membership change did to the entities, not a change. */
        public boolean fromEntity() {
            return kind.startsWith("guild") || kind.startsWith("user");
        }
    }

    private final List<NodeProcess> nodes;
    private final long[] offsets;
    private final boolean[] wasReady;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Event> readiness = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile long steadySince = Long.MAX_VALUE;
    private volatile long unanswered;

    public MembershipWatch(List<NodeProcess> nodes) {
        this.nodes = List.copyOf(nodes);
        this.offsets = new long[nodes.size()];
        this.wasReady = new boolean[nodes.size()];
        java.util.Arrays.fill(wasReady, true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-membership");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** From now on every event is a change (the cluster formed). */
    public void markSteady() {
        poll();
        steadySince = System.currentTimeMillis();
    }

    /** The events since {@link #markSteady}, nodes' readiness flips included. */
    public List<Event> changes() {
        poll();
        List<Event> changes = new ArrayList<>();
        for (Event e : events) {
            if (e.millis() >= steadySince && !e.kind().equals(LATE_HEARTBEAT)) {
                changes.add(e);
            }
        }
        for (Event e : readiness) {
            if (e.millis() >= steadySince) {
                changes.add(e);
            }
        }
        changes.sort(java.util.Comparator.comparingLong(Event::millis));
        return changes;
    }

    /**
     * The failure detector's late-heartbeat warnings since {@link #markSteady}: how many, and the longest interval
     * they name (milliseconds; Pekko warns once an interval reaches 2/3 of acceptable-heartbeat-pause).
     */
    public long[] lateHeartbeats() {
        poll();
        long count = 0;
        long longest = 0;
        for (Event e : events) {
            if (e.millis() >= steadySince && e.kind().equals(LATE_HEARTBEAT)) {
                count++;
                java.util.regex.Matcher m = INTERVAL.matcher(e.line());
                if (m.find()) {
                    longest = Math.max(longest, Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)));
                }
            }
        }
        return new long[] {count, longest};
    }

    /** /readyz probes that got no answer within 2 s (a starved node, not a membership change). */
    public long unansweredProbes() {
        return unanswered;
    }

    /** {@link #changes} without the entities' own lines ({@link Event#fromEntity}): the membership changes only. */
    public List<Event> membershipChanges() {
        return changes().stream().filter(e -> !e.fromEntity()).toList();
    }

    /** The first change of {@code kind} at or after {@code sinceMillis}, or null. */
    public Event first(String kind, long sinceMillis) {
        for (Event e : changes()) {
            if (e.kind().equals(kind) && e.millis() >= sinceMillis) {
                return e;
            }
        }
        return null;
    }

    /** The last change of {@code kind} at or after {@code sinceMillis}, or null. */
    public Event last(String kind, long sinceMillis) {
        Event last = null;
        for (Event e : changes()) {
            if (e.kind().equals(kind) && e.millis() >= sinceMillis) {
                last = e;
            }
        }
        return last;
    }

    private synchronized void poll() {
        for (int i = 0; i < nodes.size(); i++) {
            NodeProcess node = nodes.get(i);
            readLog(i, node);
            if (steadySince != Long.MAX_VALUE && node.isAlive()) {
                int status = node.readiness();
                if (status < 0) {
                    unanswered++;
                    continue;
                }
                boolean ready = status == 200;
                if (ready != wasReady[i]) {
                    readiness.add(new Event(System.currentTimeMillis(), node.name(),
                            ready ? "/readyz back" : "/readyz failing", "/readyz answered " + status));
                    wasReady[i] = ready;
                }
            }
        }
    }

    private void readLog(int i, NodeProcess node) {
        try (RandomAccessFile file = new RandomAccessFile(node.log().toFile(), "r")) {
            long length = file.length();
            if (length <= offsets[i]) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - offsets[i], 8 << 20)];
            file.seek(offsets[i]);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int lastNewline = text.lastIndexOf('\n');
            if (lastNewline < 0) {
                return;
            }
            offsets[i] += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
            for (String line : text.substring(0, lastNewline).split("\n")) {
                for (Map.Entry<String, String> kind : KINDS.entrySet()) {
                    if (line.contains(kind.getKey())) {
                        events.add(new Event(time(line), node.name(), kind.getValue(), line));
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // not written yet
        }
    }

    /** The log line's HH:mm:ss.SSS as epoch millis today (the reading time when it has none). */
    static long time(String line) {
        if (line.length() >= 12) {
            try {
                LocalTime t = LocalTime.parse(line.substring(0, 12));
                long millis = LocalDate.now().atTime(t).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                return millis > System.currentTimeMillis() + 60_000 ? millis - 86_400_000L : millis;
            } catch (DateTimeParseException e) {
                return System.currentTimeMillis();
            }
        }
        return System.currentTimeMillis();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
