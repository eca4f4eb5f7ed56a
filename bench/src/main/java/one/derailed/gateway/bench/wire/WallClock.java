package one.derailed.gateway.bench.wire;

import java.time.Instant;

/**
 * WallClock is CLOCK_REALTIME in nanoseconds since the epoch: the clock of the kernel's receive time stamps, so the
 * publisher stamps its events with it too (every process on the machine reads the same clock).
 */
public final class WallClock {
    private WallClock() {}

    public static long nanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
