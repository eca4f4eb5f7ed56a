package one.derailed.gateway.bench;

/**
 * Pacer is a token bucket: {@code rate} permits per second, at most a tenth of a second's worth saved up, so a pause
 * does not turn into a burst. Rate 0 means no limit. Used by one thread.
 */
final class Pacer {
    private final double rate;
    private final double burst;
    private double tokens;
    private long lastNanos;

    Pacer(int ratePerSecond) {
        this.rate = ratePerSecond;
        this.burst = Math.max(1, ratePerSecond / 10.0);
        this.lastNanos = System.nanoTime();
        this.tokens = ratePerSecond > 0 ? 1 : 0;
    }

    /** Takes up to {@code wanted} permits now; returns how many. */
    long take(long wanted) {
        if (rate <= 0) {
            return wanted;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * rate);
        lastNanos = now;
        long granted = (long) Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        return granted;
    }
}
