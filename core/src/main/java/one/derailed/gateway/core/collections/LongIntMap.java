package one.derailed.gateway.core.collections;

/**
 * LongIntMap maps {@code long} keys to {@code int} values with no boxing: one open-addressed table of two parallel
 * arrays, linear probing, and backward-shift deletion (no tombstones, so removals never slow later look-ups). A key
 * costs 12 bytes per slot; the table holds at most 3/4 of its slots, doubles when full and halves when under 3/32 of
 * it. Key 0 is kept beside the table (0 marks an empty slot). Absent keys read as the {@code missing} value given at
 * construction. Not thread-safe.
 */
public final class LongIntMap {
    static final int MIN_CAPACITY = 4;

    private final int missing;
    private long[] keys;
    private int[] values;
    private int mask;
    private int shift;
    private int growAt;
    private int shrinkAt;
    /** Entries in the table, key 0 not counted. */
    private int used;
    private boolean hasZero;
    private int zeroValue;

    /** An empty map whose absent keys read as {@code missing}. */
    public LongIntMap(int missing) {
        this(missing, 0);
    }

    /** An empty map sized to hold {@code expected} entries without growing. */
    public LongIntMap(int missing, int expected) {
        this.missing = missing;
        allocate(LongHashing.capacityFor(expected, MIN_CAPACITY));
    }

    public int missingValue() {
        return missing;
    }

    public int size() {
        return used + (hasZero ? 1 : 0);
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Slots in the table (for footprint accounting and tests). */
    public int capacity() {
        return keys.length;
    }

    public boolean containsKey(long key) {
        return key == 0 ? hasZero : find(key) >= 0;
    }

    /** The value of {@code key}, or the missing value. */
    public int get(long key) {
        if (key == 0) {
            return hasZero ? zeroValue : missing;
        }
        long[] keys = this.keys;
        int mask = this.mask;
        for (int i = LongHashing.slot(key, shift); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return missing;
            }
        }
    }

    /** Maps {@code key} to {@code value}; returns the previous value, or the missing value. */
    public int put(long key, int value) {
        if (key == 0) {
            int previous = hasZero ? zeroValue : missing;
            hasZero = true;
            zeroValue = value;
            return previous;
        }
        int mask = this.mask;
        int i = LongHashing.slot(key, shift);
        for (long k; (k = keys[i]) != 0; i = (i + 1) & mask) {
            if (k == key) {
                int previous = values[i];
                values[i] = value;
                return previous;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++used > growAt) {
            rehash(keys.length * 2);
        }
        return missing;
    }

    /** Removes {@code key}; returns its value, or the missing value when it was absent. */
    public int remove(long key) {
        if (key == 0) {
            if (!hasZero) {
                return missing;
            }
            hasZero = false;
            return zeroValue;
        }
        int i = find(key);
        if (i < 0) {
            return missing;
        }
        int previous = values[i];
        shiftBack(i);
        if (--used < shrinkAt) {
            rehash(LongHashing.capacityFor(used, MIN_CAPACITY));
        }
        return previous;
    }

    public void clear() {
        hasZero = false;
        used = 0;
        allocate(MIN_CAPACITY);
    }

    /** Calls {@code action} with every entry, in no particular order. The map must not change meanwhile. */
    public void forEach(Consumer action) {
        if (hasZero) {
            action.accept(0, zeroValue);
        }
        long[] keys = this.keys;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept(keys[i], values[i]);
            }
        }
    }

    /** What {@link #forEach} calls. */
    @FunctionalInterface
    public interface Consumer {
        void accept(long key, int value);
    }

    private int find(long key) {
        long[] keys = this.keys;
        int mask = this.mask;
        for (int i = LongHashing.slot(key, shift); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    /** Empties slot {@code hole}, moving back every later entry of its run that would no longer be found. */
    private void shiftBack(int hole) {
        long[] keys = this.keys;
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
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        shift = LongHashing.shiftFor(capacity);
        growAt = LongHashing.growAt(capacity);
        shrinkAt = LongHashing.shrinkAt(capacity, MIN_CAPACITY);
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(capacity);
        long[] keys = this.keys;
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
