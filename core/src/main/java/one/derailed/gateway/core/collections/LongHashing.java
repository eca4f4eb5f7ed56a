package one.derailed.gateway.core.collections;

/**
 * LongHashing is the table arithmetic the primitive maps share: power-of-two capacities, at most 3/4 full, and
 * Fibonacci hashing (multiply by 2^64/φ, keep the top bits), which spreads sequential and snowflake ids evenly.
 */
final class LongHashing {
    static final long PHI = 0x9E3779B97F4A7C15L;
    static final int MAX_CAPACITY = 1 << 30;

    private LongHashing() {}

    /** The home slot of {@code key} in a table whose capacity is {@code 2^(64 - shift)}. */
    static int slot(long key, int shift) {
        return (int) ((key * PHI) >>> shift);
    }

    static int shiftFor(int capacity) {
        return 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Grow once more than this many entries are in a table of {@code capacity}. */
    static int growAt(int capacity) {
        return capacity == MAX_CAPACITY ? Integer.MAX_VALUE : capacity - (capacity >>> 2);
    }

    /** Halve once fewer than this many entries are left (3/32 of the slots), never below {@code min}. */
    static int shrinkAt(int capacity, int min) {
        return capacity <= min ? 0 : (capacity >>> 5) * 3;
    }

    /** The smallest power-of-two capacity, at least {@code min}, that holds {@code entries} at most 3/4 full. */
    static int capacityFor(int entries, int min) {
        long needed = Math.max(min, ((long) Math.max(0, entries) * 4 + 2) / 3);
        if (needed > MAX_CAPACITY) {
            throw new IllegalStateException("too many entries: " + entries);
        }
        return needed <= 1 ? 1 : Integer.highestOneBit((int) needed - 1) << 1;
    }
}
