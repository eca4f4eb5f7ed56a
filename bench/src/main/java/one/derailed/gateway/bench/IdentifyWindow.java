package one.derailed.gateway.bench;

/**
 * IdentifyWindow is how many IDENTIFYs a fleet keeps awaiting READY, found the way TCP finds its window: it starts at
 * one, doubles while READYs come back within {@code target}, grows by one per window after its first cut, and halves
 * when a READY took longer than {@code target} (once per {@code target}, so one late batch counts once). A gateway
 * whose nodes are still compiling their identify path at the start of a large run answers a READY per ~20 ms where it
 * later answers one per ~4 ms: a fixed window of 1,000 then waits past the gateway's 10 s ready timeout, and the
 * sessions at its end are closed 4000 (458 of 200,000 in attempt 4, docs/benchmarks.md; 16 with a first window of 8
 * a worker). Never above {@code max}, never below 1; a {@code target} of 0 keeps it at {@code max}. Called from every
 * loop thread and the pacer.
 */
final class IdentifyWindow {
    private static final int INITIAL = 1;

    private final int max;
    private final long targetNanos;
    private double limit;
    private double slowStartBelow;
    private long lastCutNanos;
    private boolean cut;

    IdentifyWindow(int max, long targetNanos) {
        this.max = Math.max(1, max);
        this.targetNanos = targetNanos;
        this.limit = targetNanos > 0 ? Math.min(this.max, INITIAL) : this.max;
        this.slowStartBelow = this.max;
    }

    /** IDENTIFYs that may await READY at once now. */
    synchronized int limit() {
        return (int) limit;
    }

    /** A READY came {@code latencyNanos} after its IDENTIFY, at {@code nowNanos}. */
    synchronized void onReady(long latencyNanos, long nowNanos) {
        if (targetNanos <= 0) {
            return;
        }
        if (latencyNanos > targetNanos) {
            if (!cut || nowNanos - lastCutNanos >= targetNanos) {
                limit = Math.max(1, limit / 2);
                slowStartBelow = limit;
                lastCutNanos = nowNanos;
                cut = true;
            }
            return;
        }
        limit = Math.min(max, limit + (limit < slowStartBelow ? 1 : 1 / limit));
    }
}
