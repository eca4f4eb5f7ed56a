package one.derailed.gateway.core.session;

import java.util.ArrayList;
import java.util.List;

/**
 * ReplayBuffer keeps a session's latest dispatches so a resume can send again what the client missed. It is bounded
 * in events and in bytes; adding past either bound evicts the oldest entries. The bytes counted are the dispatch
 * bodies, which are shared with the event's other recipients, so the bound over-counts real memory, never under.
 */
public final class ReplayBuffer {
    private static final long[] NO_SEQS = {};
    private static final String[] NO_EVENTS = {};
    private static final byte[][] NO_BODIES = {};
    /**
     * The ring's first size, and the largest it keeps once emptied while dispatches still come: a burst's arrays do
     * not outlive the burst, and a session that gets an event per heartbeat does not allocate its ring again for each.
     */
    private static final int SMALL_CAPACITY = 8;
    private final int maxEvents;
    private final long maxBytes;
    /*
     * The entries, oldest at head, in three parallel rings rather than a deque of Entry objects: keeping a dispatch
     * allocates nothing, so a fan-out to a million sessions leaves no million young objects for the collector to copy
     * out of a million old buffers (docs/benchmarks.md, "A million members in one guild").
     */
    private long[] seqs = NO_SEQS;
    private String[] events = NO_EVENTS;
    private byte[][] bodies = NO_BODIES;
    private int head;
    private int size;
    private long bytes;
    private long evicted;
    private long peakBytes;
    private int peakEvents;
    /** Whether a dispatch was added since the last acknowledgement: an empty ring with none is given back. */
    private boolean addedSinceDrop;

    /** One buffered dispatch, with the sequence number it was first sent with. */
    public record Entry(long seq, String event, byte[] data) {
        long size() {
            return sizeOf(event, data);
        }
    }

    /** What an entry counts beyond its body (its slots and its event name, rounded up): the figure the bounds assume. */
    static final int ENTRY_OVERHEAD_BYTES = 64;

    private static long sizeOf(String event, byte[] data) {
        return data.length + event.length() + ENTRY_OVERHEAD_BYTES;
    }

    public ReplayBuffer(int maxEvents, long maxBytes) {
        if (maxEvents < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("replay buffer bounds must be positive");
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Adds a dispatch; returns how many older entries it evicted to stay within the bounds. */
    public int add(long seq, String event, byte[] data) {
        long entrySize = sizeOf(event, data);
        if (entrySize > maxBytes) {
            // Too big to keep at all: whoever missed it cannot resume past it.
            int dropped = size + 1;
            while (size > 0) {
                removeOldest();
            }
            evicted += dropped;
            return dropped;
        }
        // Evicting before adding leaves what evicting after would: the new entry alone always fits.
        int dropped = 0;
        while (size > 0 && (size + 1 > maxEvents || bytes + entrySize > maxBytes)) {
            removeOldest();
            dropped++;
        }
        if (size == seqs.length) {
            resize(Math.min(maxEvents, Math.max(SMALL_CAPACITY, seqs.length * 2)));
        }
        int tail = (head + size) % seqs.length;
        seqs[tail] = seq;
        events[tail] = event;
        bodies[tail] = data;
        size++;
        addedSinceDrop = true;
        bytes += entrySize;
        evicted += dropped;
        peakBytes = Math.max(peakBytes, bytes);
        peakEvents = Math.max(peakEvents, size);
        return dropped;
    }

    /**
     * Forgets the entries up to and including {@code seq}: the client has them. An emptied ring is given back when it
     * grew past its first size, or when nothing came since the last acknowledgement: an idle session (a heartbeat
     * interval without a dispatch) then holds no arrays at all, 176 B less for each of a node's idle sessions.
     */
    public void dropUpTo(long seq) {
        while (size > 0 && seqs[head] <= seq) {
            removeOldest();
        }
        boolean idle = !addedSinceDrop;
        addedSinceDrop = false;
        if (size == 0 && (seqs.length > SMALL_CAPACITY || idle)) {
            seqs = NO_SEQS;
            events = NO_EVENTS;
            bodies = NO_BODIES;
            head = 0;
        }
    }

    private void removeOldest() {
        bytes -= sizeOf(events[head], bodies[head]);
        events[head] = null;
        bodies[head] = null;
        head = (head + 1) % seqs.length;
        size--;
    }

    private void resize(int capacity) {
        long[] newSeqs = new long[capacity];
        String[] newEvents = new String[capacity];
        byte[][] newBodies = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            int at = (head + i) % seqs.length;
            newSeqs[i] = seqs[at];
            newEvents[i] = events[at];
            newBodies[i] = bodies[at];
        }
        seqs = newSeqs;
        events = newEvents;
        bodies = newBodies;
        head = 0;
    }

    private Entry entryAt(int index) {
        int at = (head + index) % seqs.length;
        return new Entry(seqs[at], events[at], bodies[at]);
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
        if (size == 0 || seqs[head] > seq + 1) {
            return null;
        }
        List<Entry> missed = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (seqs[(head + i) % seqs.length] > seq) {
                missed.add(entryAt(i));
            }
        }
        return missed;
    }

    /** Every buffered entry, oldest first: what a session hands to its new node when it moves. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(entryAt(i));
        }
        return all;
    }

    public int events() {
        return size;
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

    /** The slots the rings hold now (0 once given back). */
    int capacity() {
        return seqs.length;
    }

    public int maxEvents() {
        return maxEvents;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
