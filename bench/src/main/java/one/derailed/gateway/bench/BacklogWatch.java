package one.derailed.gateway.bench;

/**
 * BacklogWatch tells, from successive readings of the deliveries counted so far, when a publishing phase's backlog
 * is gone: every expected delivery arrived, or none arrived for {@code quietNanos} (some never will: a session that
 * left, a share of READY sessions that changed). Not thread-safe: one poller reads it.
 */
final class BacklogWatch {
    private final long quietNanos;
    private long lastDelivered = -1;
    private long lastProgressNanos;

    BacklogWatch(long quietNanos, long startNanos) {
        this.quietNanos = quietNanos;
        this.lastProgressNanos = startNanos;
    }

    /** Whether the backlog is gone, given the deliveries counted and expected by {@code nowNanos}. */
    boolean drained(long delivered, long expected, long nowNanos) {
        if (lastDelivered < 0) {
            // The first reading is where the wait starts from, not progress.
            lastDelivered = delivered;
        } else if (delivered != lastDelivered) {
            lastDelivered = delivered;
            lastProgressNanos = nowNanos;
        }
        return delivered >= expected || nowNanos - lastProgressNanos > quietNanos;
    }
}
