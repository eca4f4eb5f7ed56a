package one.derailed.gateway.core.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * ReplayBuffer keeps a session's latest dispatches so a resume can send again what the client missed. It is bounded
 * in events and in bytes; adding past either bound evicts the oldest entries. The bytes counted are the dispatch
 * bodies, which are shared with the event's other recipients, so the bound over-counts real memory, never under.
 */
public final class ReplayBuffer {
    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long evicted;
    private long peakBytes;
    private int peakEvents;

    /** One buffered dispatch, with the sequence number it was first sent with. */
    public record Entry(long seq, String event, byte[] data) {
        long size() {
            return data.length + event.length() + ENTRY_OVERHEAD_BYTES;
        }
    }

    /** What an entry costs beyond its body: the entry, its event name and the deque slot, rounded up. */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    public ReplayBuffer(int maxEvents, long maxBytes) {
        if (maxEvents < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("replay buffer bounds must be positive");
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Adds a dispatch; returns how many older entries it evicted to stay within the bounds. */
    public int add(long seq, String event, byte[] data) {
        Entry entry = new Entry(seq, event, data);
        if (entry.size() > maxBytes) {
            // Too big to keep at all: whoever missed it cannot resume past it.
            int dropped = entries.size() + 1;
            entries.clear();
            bytes = 0;
            evicted += dropped;
            return dropped;
        }
        entries.addLast(entry);
        bytes += entry.size();
        int dropped = 0;
        while (entries.size() > maxEvents || bytes > maxBytes) {
            bytes -= entries.removeFirst().size();
            dropped++;
        }
        evicted += dropped;
        peakBytes = Math.max(peakBytes, bytes);
        peakEvents = Math.max(peakEvents, entries.size());
        return dropped;
    }

    /** Forgets the entries up to and including {@code seq}: the client has them. */
    public void dropUpTo(long seq) {
        while (!entries.isEmpty() && entries.peekFirst().seq() <= seq) {
            bytes -= entries.removeFirst().size();
        }
    }

    /**
     * The entries after {@code seq}, in order, when the buffer still holds all of them; null when some were evicted
     * (the client is too far behind) or {@code seq} is ahead of {@code lastSeq}.
     */
    public List<Entry> after(long seq, long lastSeq) {
        if (seq > lastSeq) {
            return null;
        }
        if (seq == lastSeq) {
            return List.of();
        }
        Entry first = entries.peekFirst();
        if (first == null || first.seq() > seq + 1) {
            return null;
        }
        List<Entry> missed = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.seq() > seq) {
                missed.add(entry);
            }
        }
        return missed;
    }

    /** Every buffered entry, oldest first: what a session hands to its new node when it moves. */
    public List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    public int events() {
        return entries.size();
    }

    public long bytes() {
        return bytes;
    }

    /** The most bytes the buffer ever held at once; never more than {@code maxBytes}. */
    public long peakBytes() {
        return peakBytes;
    }

    public int peakEvents() {
        return peakEvents;
    }

    public long evicted() {
        return evicted;
    }

    public int maxEvents() {
        return maxEvents;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
