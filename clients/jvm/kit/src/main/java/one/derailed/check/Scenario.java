package one.derailed.check;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Scenario is what each library is put through, in each compression mode: log in (through the stand-in REST and the
 * gateway's /gateway endpoints) to its ready state with the guild cached; receive published MESSAGE_CREATEs as its
 * own message events; have its connection cut under it while more are published, and resume (op 6, never a new
 * IDENTIFY) with every event exactly once; then receive live events again; log no complaint on the way.
 */
public final class Scenario {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(30);

    private final CheckEnv env;
    private final CheckProxy proxy;
    private final StandInRest rest;
    private final Publisher publisher;
    private final LibraryLog log;
    private final Report report;

    public Scenario(CheckEnv env, CheckProxy proxy, StandInRest rest, Publisher publisher, LibraryLog log,
                    Report report) {
        this.env = env;
        this.proxy = proxy;
        this.rest = rest;
        this.publisher = publisher;
        this.log = log;
        this.report = report;
    }

    /** Runs the scenario; {@code compress} is the URL parameter the library must ask for, null for none. */
    public void run(Library library, String compress) {
        String label = library.label();
        long started = System.nanoTime();
        int firstConn = proxy.connections().size();
        int firstCall = rest.calls().size();
        try {
            try {
                library.login(rest.baseUrl());
            } catch (Exception e) {
                report.fail(label + " login -> ready", e + "; REST calls: " + rest.calls() + "; complaints: "
                        + log.peek());
                return;
            }
            List<CheckProxy.Conn> conns = proxy.connections().subList(firstConn, proxy.connections().size());
            String request = conns.isEmpty() ? "no connection through the proxy" : conns.get(0).request();
            report.check(label + " login -> ready", library.readies() == 1 && !conns.isEmpty()
                            && conns.get(0).ops().contains(2) && asks(request, compress),
                    "after " + (System.nanoTime() - started) / 1_000_000 + " ms; " + request + "; REST calls "
                            + rest.calls().subList(firstCall, rest.calls().size()));
            Library.CachedGuild guild = library.cachedGuild(env.guildId());
            report.check(label + " guild cached from GUILD_CREATE", guild != null && !guild.textChannels().isEmpty()
                            && guild.everyoneRole() && guild.selfMember(),
                    guild == null ? "guild " + env.guildId() + " not in the cache"
                            : guild.name() + ": " + guild.channels() + " channels (" + guild.textChannels().size()
                            + " text), " + guild.roles().size() + " roles (@everyone " + guild.everyoneRole()
                            + "), self member " + guild.selfMember() + ", " + guild.members() + " members");
            if (guild == null || guild.textChannels().isEmpty()) {
                return;
            }
            long channel = guild.textChannels().get(0);
            String tag = "derailed check " + label.replace(' ', '_') + " " + Long.toString(System.nanoTime(), 36);

            List<String> live = publish(channel, tag, "live", 3);
            report.check(label + " published MESSAGE_CREATEs arrive as message events", arrivedOnce(library, live),
                    counts(library, live));

            int resumesBefore = library.resumes();
            int connsBefore = proxy.connections().size();
            log.duringCut(true);
            proxy.cutAll();
            List<String> away = publish(channel, tag, "away", 3);
            boolean resumed = Waits.until(RESUME_TIMEOUT, () -> library.resumes() > resumesBefore);
            Waits.until(EVENT_TIMEOUT, () -> arrived(library, away));
            log.duringCut(false);
            List<CheckProxy.Conn> after = proxy.connections().subList(connsBefore, proxy.connections().size());
            List<String> wrong = new java.util.ArrayList<>();
            if (!resumed) {
                wrong.add("no resume event");
            }
            if (after.stream().noneMatch(c -> c.ops().contains(6))) {
                wrong.add("no op 6");
            }
            if (after.stream().anyMatch(c -> c.ops().contains(2))) {
                wrong.add("a new IDENTIFY");
            }
            if (library.readies() != 1) {
                wrong.add("READY seen " + library.readies() + "x");
            }
            if (!after.stream().allMatch(c -> asks(c.request(), compress))) {
                wrong.add("a reconnect without compress=" + compress);
            }
            report.check(label + " resumes after its connection is cut", wrong.isEmpty(),
                    (wrong.isEmpty() ? "resumed" : String.join(", ", wrong)) + "; ops after the cut: "
                            + after.stream().map(c -> c.ops().toString()).collect(Collectors.joining(" "))
                            + (after.isEmpty() ? "" : " on " + after.get(after.size() - 1).request()));
            report.check(label + " events published while away arrive exactly once", arrivedOnce(library, away),
                    counts(library, away));

            List<String> tail = publish(channel, tag, "after", 2);
            report.check(label + " live events after the resume", arrivedOnce(library, tail), counts(library, tail));
            List<String> all = new java.util.ArrayList<>(live);
            all.addAll(away);
            all.addAll(tail);
            List<String> order = library.messages().stream().filter(all::contains).toList();
            report.check(label + " every event once, in publish order", order.equals(all),
                    order.size() + " of " + all.size() + " in order");
            // Shut down from the library's steady state: Discord4J 3.3.2, logged out 70 ms after its resume, raced
            // its own reconnection ("Spec. Rule 1.3 ... signaled serially") and hung its logout, once in eight runs.
            Waits.until(EVENT_TIMEOUT, () -> heartbeatAfterResume(proxy.connections()));
        } catch (Exception e) {
            report.fail(label + " run", e.toString());
        } finally {
            try {
                library.shutdown();
            } catch (Exception e) {
                report.fail(label + " shutdown", e.toString());
            }
            List<String> complaints = log.take();
            report.check(label + " the library logged no complaint", complaints.isEmpty(),
                    complaints.isEmpty() ? "no warning or error" : String.join(" | ", complaints));
            System.out.printf("      [%s] took %.1f s%n", label, (System.nanoTime() - started) / 1e9);
        }
    }

    /** Whether the newest connection has sent a heartbeat (op 1) after its RESUME (op 6). */
    private static boolean heartbeatAfterResume(List<CheckProxy.Conn> connections) {
        if (connections.isEmpty()) {
            return false;
        }
        List<Integer> ops = connections.get(connections.size() - 1).ops();
        int resume = ops.lastIndexOf(6);
        return resume >= 0 && ops.subList(resume, ops.size()).contains(1);
    }

    private static boolean asks(String request, String compress) {
        return request != null && (compress == null ? !request.contains("compress=")
                : request.contains("compress=" + compress));
    }

    private List<String> publish(long channel, String tag, String phase, int n) throws Exception {
        List<String> contents = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String content = tag + " " + phase + " #" + i;
            contents.add(content);
            publisher.message(env.guildId(), channel, env.userId(), env.username(), content);
        }
        return contents;
    }

    private static boolean arrived(Library library, List<String> contents) {
        return library.messages().containsAll(contents);
    }

    private static boolean arrivedOnce(Library library, List<String> contents) {
        Waits.until(EVENT_TIMEOUT, () -> arrived(library, contents));
        return contents.stream().allMatch(c -> library.messages().stream().filter(c::equals).count() == 1);
    }

    private static String counts(Library library, List<String> contents) {
        return contents.stream().map(c -> String.valueOf(library.messages().stream().filter(c::equals).count()))
                .collect(Collectors.joining("", "copies ", ""));
    }
}
