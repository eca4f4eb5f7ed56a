package one.derailed.gateway.core.renewal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * RenewalLog is what a new incarnation of an entity (a guild or a user) sent out before the sessions of its earlier
 * incarnation came back to it. Cluster Sharding starts an entity anew when its node leaves or crashes or a rebalance
 * moves it; the sessions it served learn of that only when the old incarnation's end reaches them, and meanwhile
 * the new one already takes events, with nobody subscribed. It keeps each event here, and a session renewing its
 * subscription gets every event from the point its own incarnation stopped seeing them: nothing missed, nothing twice.
 *
 * <p>Positions count the events of a line of incarnations: an incarnation that never heard of a predecessor starts
 * at 0 and assumes that a session renewing from any incarnation it does not know renews from its direct
 * predecessor (the common case: one move, or a crash). A predecessor that hands over ({@link #adopt}) puts its own
 * log ahead of this one, with the points where its own predecessors' sessions stopped; after that an unknown
 * incarnation means the line is longer than the log remembers, and the log cannot tell ({@code null}).
 *
 * <p>Bounded in entries and bytes: past either bound the oldest entries go, and a session that needed them cannot
 * be served exactly. Once {@link #close}d (the renewal window is over) it keeps nothing and answers nobody.
 *
 * @param <E> what one logged event is
 */
public final class RenewalLog<E> {
    /**
     * A log as it moves to the next incarnation: its entries from {@code firstPosition}, the start of each earlier
     * incarnation of the line it knows, and where a session from an incarnation it does not know starts (null: such a
     * session cannot be served).
     */
    public record Carried<E>(long firstPosition, List<E> entries, Map<Long, Long> starts, Long unknownStart) {}

    private final int maxEvents;
    private final long maxBytes;
    private final ToIntFunction<E> size;
    private final ArrayDeque<E> entries = new ArrayDeque<>();
    /** Per earlier incarnation of this line: the position of the first event it did not see. */
    private final Map<Long, Long> starts = new HashMap<>();
    /** The start of a session renewing from an incarnation not in {@link #starts}: the line's first event. */
    private Long unknownStart = 0L;
    private long firstPosition;
    private long bytes;
    private boolean adopted;
    private boolean closed;

    public RenewalLog(int maxEvents, long maxBytes, ToIntFunction<E> size) {
        if (maxEvents < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("renewal log bounds must be positive");
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.size = size;
    }

    /** Keeps an event this incarnation sent out; nothing once closed. */
    public void append(E entry) {
        if (closed) {
            return;
        }
        entries.addLast(entry);
        bytes += size.applyAsInt(entry);
        trim();
    }

    private void trim() {
        while (entries.size() > maxEvents || (bytes > maxBytes && !entries.isEmpty())) {
            bytes -= size.applyAsInt(entries.removeFirst());
            firstPosition++;
        }
    }

    /**
     * The events a session that last had {@code incarnation} did not get, oldest first; null when the log cannot
     * tell: it is closed, the events were evicted, or the incarnation is not of the line it knows.
     */
    public List<E> missedBy(long incarnation) {
        if (closed) {
            return null;
        }
        Long start = starts.getOrDefault(incarnation, unknownStart);
        if (start == null || start < firstPosition) {
            return null;
        }
        List<E> missed = new ArrayList<>();
        long position = firstPosition;
        for (E entry : entries) {
            if (position++ >= start) {
                missed.add(entry);
            }
        }
        return missed;
    }

    /**
     * Whether a predecessor handed its log over. Until one has, a renewal from an unknown incarnation may be from
     * the predecessor of an incarnation whose handover is still on its way: the entity holds such renewals for a
     * moment.
     */
    public boolean adopted() {
        return adopted;
    }

    /** Whether {@code incarnation} is an earlier incarnation of this line that the log knows by name. */
    public boolean knows(long incarnation) {
        return starts.containsKey(incarnation);
    }

    /**
     * Puts the log of {@code predecessor}, which stopped and handed over, ahead of this incarnation's own events:
     * a session that had {@code predecessor} missed this incarnation's events; one that had an incarnation before it
     * missed the predecessor's events from that one's start on.
     */
    public void adopt(long predecessor, Carried<E> carried) {
        if (closed || adopted) {
            return;
        }
        adopted = true;
        long ownOrigin = carried.firstPosition() + carried.entries().size();
        long ownFirst = ownOrigin + firstPosition;
        List<E> own = new ArrayList<>(entries);
        entries.clear();
        bytes = 0;
        starts.putAll(carried.starts());
        starts.put(predecessor, ownOrigin);
        unknownStart = carried.unknownStart();
        if (firstPosition == 0) {
            firstPosition = carried.firstPosition();
            for (E entry : carried.entries()) {
                entries.addLast(entry);
                bytes += size.applyAsInt(entry);
            }
        } else {
            // this incarnation already evicted some of its own events: the predecessor's cannot join them
            firstPosition = ownFirst;
        }
        for (E entry : own) {
            entries.addLast(entry);
            bytes += size.applyAsInt(entry);
        }
        trim();
    }

    /** This log as the next incarnation takes it over. */
    public Carried<E> carry() {
        if (closed) {
            return new Carried<>(0, List.of(), Map.of(), null);
        }
        return new Carried<>(firstPosition, List.copyOf(entries), Map.copyOf(starts), unknownStart);
    }

    /** The renewal window is over: keep nothing more, and answer no renewal. */
    public void close() {
        closed = true;
        entries.clear();
        starts.clear();
        bytes = 0;
    }

    public boolean isClosed() {
        return closed;
    }

    public int size() {
        return entries.size();
    }

    public long bytes() {
        return bytes;
    }
}
