package one.derailed.gateway.bench;

/**
 * Clock is the load generator's one time base: {@link System#nanoTime()} shifted to start near 1, so the send times
 * written into published events are positive decimals that the receiving sessions (same JVM) subtract from.
 */
final class Clock {
    private static final long ORIGIN = System.nanoTime() - 1;

    private Clock() {}

    static long now() {
        return System.nanoTime() - ORIGIN;
    }
}
