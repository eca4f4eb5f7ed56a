package one.derailed.gateway.store;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snowflakes makes Discord-style ids: milliseconds since the Discord epoch (2015-01-01T00:00:00Z) shifted left by 22,
 * or'ed with a per-process counter in the low 22 bits. Ids are unique and strictly increasing within one process,
 * from any number of threads; should a millisecond run out of counter values, the id borrows from the next one.
 */
public final class Snowflakes {

    /** 2015-01-01T00:00:00Z in Unix milliseconds. */
    public static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;

    /** How many low bits hold the counter. */
    public static final int COUNTER_BITS = 22;

    private static final AtomicLong LAST = new AtomicLong();

    private Snowflakes() {
    }

    /** A new id, greater than every id this process made before. */
    public static long next() {
        long floor = (System.currentTimeMillis() - DISCORD_EPOCH_MILLIS) << COUNTER_BITS;
        return LAST.updateAndGet(last -> Math.max(last + 1, floor));
    }

    /** The moment an id was made (to the millisecond). */
    public static Instant timestampOf(long snowflake) {
        return Instant.ofEpochMilli((snowflake >>> COUNTER_BITS) + DISCORD_EPOCH_MILLIS);
    }
}
