package one.derailed.gateway.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * LoopStats is what one event loop counts per frame: plain fields written only by that loop's thread and read (a
 * little stale at worst) by whoever samples, and a single-writer latency recorder, so a delivery costs no atomic
 * operation and no shared cache line. It also keeps, per publish number, how many deliveries of it arrived and the
 * latest one's latency (a ring of the last {@link #RING} publishes), for "how long until the last session had it".
 */
final class LoopStats {
    static final int RING = 4096;

    long framesIn;
    long wireBytesIn;
    long jsonBytesIn;
    long deliveries;
    long otherDispatches;
    long sequenceGaps;
    private final SingleWriterRecorder deliveryLatency = new SingleWriterRecorder(Stats.DIGITS);
    private final long[] publishNumbers = new long[RING];
    private final long[] latestMicros = new long[RING];
    private final int[] arrivals = new int[RING];
    private Histogram interval;

    /** One delivery of publish {@code number} (0: unnumbered) {@code micros} after it was sent. */
    void delivered(long micros, long number) {
        deliveries++;
        deliveryLatency.recordValue(micros);
        if (number > 0) {
            int slot = (int) (number & (RING - 1));
            if (publishNumbers[slot] != number) {
                publishNumbers[slot] = number;
                latestMicros[slot] = 0;
                arrivals[slot] = 0;
            }
            arrivals[slot]++;
            if (micros > latestMicros[slot]) {
                latestMicros[slot] = micros;
            }
        }
    }

    /** The deliveries recorded since the last call (the histogram is reused: valid until the next call). */
    Histogram intervalDeliveries() {
        interval = deliveryLatency.getIntervalHistogram(interval);
        return interval;
    }

    /** Deliveries of publish {@code number} seen so far and the latest one's latency, or null when unknown. */
    long[] arrivalsOf(long number) {
        int slot = (int) (number & (RING - 1));
        if (publishNumbers[slot] != number) {
            return null;
        }
        return new long[] {arrivals[slot], latestMicros[slot]};
    }
}
