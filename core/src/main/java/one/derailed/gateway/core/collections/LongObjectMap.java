package one.derailed.gateway.core.collections;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * LongObjectMap maps {@code long} keys to non-null objects with no boxing: one open-addressed table of two parallel
 * arrays, linear probing, and backward-shift deletion (no tombstones). A key costs 12 bytes per slot with compressed
 * references; the table holds at most 3/4 of its slots, doubles when full and halves when under 3/32 of it. Key 0 is
 * kept beside the table (0 marks an empty slot). Not thread-safe.
 */
public final class LongObjectMap<V> {
    static final int MIN_CAPACITY = 4;

    private long[] keys;
    private Object[] values;
    private int mask;
    private int shift;
    private int growAt;
    private int shrinkAt;
    private int used;
    private V zeroValue;

    public LongObjectMap() {
        this(0);
    }

    /** An empty map sized to hold {@code expected} entries without growing. */
    public LongObjectMap(int expected) {
        allocate(LongHashing.capacityFor(expected, MIN_CAPACITY));
    }

    public int size() {
        return used + (zeroValue != null ? 1 : 0);
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Slots in the table (for footprint accounting and tests). */
    public int capacity() {
        return keys.length;
    }

    public boolean containsKey(long key) {
        return get(key) != null;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (key == 0) {
            return zeroValue;
        }
        long[] keys = this.keys;
        int mask = this.mask;
        for (int i = LongHashing.slot(key, shift); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Maps {@code key} to {@code value} (not null); returns the previous value, or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        Objects.requireNonNull(value, "value");
        if (key == 0) {
            V previous = zeroValue;
            zeroValue = value;
            return previous;
        }
        int mask = this.mask;
        int i = LongHashing.slot(key, shift);
        for (long k; (k = keys[i]) != 0; i = (i + 1) & mask) {
            if (k == key) {
                V previous = (V) values[i];
                values[i] = value;
                return previous;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++used > growAt) {
            rehash(keys.length * 2);
        }
        return null;
    }

    /** The value of {@code key}, first computing and adding it when absent. */
    public V computeIfAbsent(long key, LongFunction<? extends V> create) {
        V value = get(key);
        if (value == null) {
            value = Objects.requireNonNull(create.apply(key), "created value");
            put(key, value);
        }
        return value;
    }

    /** Removes {@code key}; returns its value, or null when it was absent. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        if (key == 0) {
            V previous = zeroValue;
            zeroValue = null;
            return previous;
        }
        long[] keys = this.keys;
        int mask = this.mask;
        int i = LongHashing.slot(key, shift);
        for (long k; (k = keys[i]) != key; i = (i + 1) & mask) {
            if (k == 0) {
                return null;
            }
        }
        V previous = (V) values[i];
        shiftBack(i);
        if (--used < shrinkAt) {
            rehash(LongHashing.capacityFor(used, MIN_CAPACITY));
        }
        return previous;
    }

    public void clear() {
        zeroValue = null;
        used = 0;
        allocate(MIN_CAPACITY);
    }

    /** Calls {@code action} with every entry, in no particular order. The map must not change meanwhile. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super V> action) {
        if (zeroValue != null) {
            action.accept(0, zeroValue);
        }
        long[] keys = this.keys;
        Object[] values = this.values;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept(keys[i], (V) values[i]);
            }
        }
    }

    /** What {@link #forEach} calls. */
    @FunctionalInterface
    public interface Consumer<V> {
        void accept(long key, V value);
    }

    private void shiftBack(int hole) {
        long[] keys = this.keys;
        Object[] values = this.values;
        int mask = this.mask;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = keys[i];
            if (k == 0) {
                break;
            }
            int home = LongHashing.slot(k, shift);
            // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
            if (hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)) {
                keys[hole] = k;
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        shift = LongHashing.shiftFor(capacity);
        growAt = LongHashing.growAt(capacity);
        shrinkAt = LongHashing.shrinkAt(capacity, MIN_CAPACITY);
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(capacity);
        long[] keys = this.keys;
        Object[] values = this.values;
        int mask = this.mask;
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != 0) {
                int i = LongHashing.slot(k, shift);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append(k).append('=').append(v));
        return out.append('}').toString();
    }
}
