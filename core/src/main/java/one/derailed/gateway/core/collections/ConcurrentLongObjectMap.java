package one.derailed.gateway.core.collections;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * ConcurrentLongObjectMap maps {@code long} keys to non-null objects with no boxing, for many readers and a few
 * writers: {@link #get} takes no lock and allocates nothing; {@link #put} and {@link #remove} take one lock.
 *
 * <p>One open-addressed table of two parallel arrays with linear probing, as in {@link LongObjectMap}, but a slot's
 * key never changes once written, so a reader that found its key cannot later read another key's value from that
 * slot: a removal only clears the value (the key stays as a tombstone, which a later put of the same key reuses).
 * When keys and tombstones fill 3/4 of the slots, the live entries are copied into a fresh table sized for them
 * and that table is published; a reader still probing the old one sees the map as it was a moment before. A value
 * is written before its key (release/acquire), so a reader that sees the key sees the value. Key 0 is kept beside
 * the table (0 marks an empty slot). 12 bytes per slot with compressed references.
 */
public final class ConcurrentLongObjectMap<V> {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);
    static final int MIN_CAPACITY = 16;

    /** A table is filled only under the lock; after it is replaced nothing writes to it again. */
    private static final class Table {
        final long[] keys;
        final Object[] values;
        final int mask;
        final int shift;
        final int growAt;

        Table(int capacity) {
            keys = new long[capacity];
            values = new Object[capacity];
            mask = capacity - 1;
            shift = LongHashing.shiftFor(capacity);
            growAt = LongHashing.growAt(capacity);
        }
    }

    private final Object lock = new Object();
    private volatile Table table;
    private volatile V zeroValue;
    private volatile int size;
    /** Slots with a key, live or tombstone; only read and written under the lock. */
    private int used;

    public ConcurrentLongObjectMap() {
        this(0);
    }

    /** An empty map sized to hold {@code expected} entries without copying. */
    public ConcurrentLongObjectMap(int expected) {
        table = new Table(LongHashing.capacityFor(expected, MIN_CAPACITY));
    }

    public int size() {
        return size;
    }

    /**
     * The keys with a value at one moment, lock-free: entries put or removed meanwhile may or may not be among them.
     */
    public long[] keys() {
        Table t = table;
        long[] found = new long[Math.max(size, 0) + 16];
        int count = 0;
        if (zeroValue != null) {
            found[count++] = 0;
        }
        for (int i = 0; i < t.keys.length; i++) {
            long key = (long) KEYS.getAcquire(t.keys, i);
            if (key != 0 && VALUES.getAcquire(t.values, i) != null) {
                if (count == found.length) {
                    found = java.util.Arrays.copyOf(found, count * 2);
                }
                found[count++] = key;
            }
        }
        return java.util.Arrays.copyOf(found, count);
    }

    /** The value of {@code key}, or null. Lock-free. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (key == 0) {
            return zeroValue;
        }
        Table t = table;
        long[] keys = t.keys;
        int mask = t.mask;
        for (int i = LongHashing.slot(key, t.shift); ; i = (i + 1) & mask) {
            long k = (long) KEYS.getAcquire(keys, i);
            if (k == key) {
                return (V) VALUES.getAcquire(t.values, i);
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Maps {@code key} to {@code value}; returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        Objects.requireNonNull(value, "value");
        synchronized (lock) {
            if (key == 0) {
                V old = zeroValue;
                zeroValue = value;
                if (old == null) {
                    size++;
                }
                return old;
            }
            Table t = table;
            int i = find(t, key);
            if (t.keys[i] == key) {
                V old = (V) t.values[i];
                VALUES.setRelease(t.values, i, value);
                if (old == null) {
                    size++;
                }
                return old;
            }
            if (used + 1 > t.growAt) {
                t = rebuild(t, size + 1);
                i = find(t, key);
            }
            VALUES.setRelease(t.values, i, value);
            KEYS.setRelease(t.keys, i, key);
            used++;
            size++;
            return null;
        }
    }

    /** Removes {@code key}; returns its value, or null if it had none. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        synchronized (lock) {
            if (key == 0) {
                V old = zeroValue;
                zeroValue = null;
                if (old != null) {
                    size--;
                }
                return old;
            }
            Table t = table;
            int i = find(t, key);
            if (t.keys[i] != key || t.values[i] == null) {
                return null;
            }
            V old = (V) t.values[i];
            VALUES.setRelease(t.values, i, null);
            size--;
            return old;
        }
    }

    /** Slots in the current table (for footprint accounting and tests). */
    public int capacity() {
        return table.keys.length;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. Under the lock. */
    private static int find(Table t, long key) {
        for (int i = LongHashing.slot(key, t.shift); ; i = (i + 1) & t.mask) {
            long k = t.keys[i];
            if (k == key || k == 0) {
                return i;
            }
        }
    }

    /**
     * Copies the live entries into a new table with room for half as many again (so copies stay amortized O(1) per
     * put), leaves the tombstones behind, and publishes it. Under the lock.
     */
    private Table rebuild(Table old, int live) {
        Table fresh = new Table(LongHashing.capacityFor(live + (live >>> 1), MIN_CAPACITY));
        int copied = 0;
        for (int j = 0; j < old.keys.length; j++) {
            Object value = old.values[j];
            if (value != null) {
                int i = find(fresh, old.keys[j]);
                fresh.keys[i] = old.keys[j];
                fresh.values[i] = value;
                copied++;
            }
        }
        used = copied;
        table = fresh;
        return fresh;
    }
}
