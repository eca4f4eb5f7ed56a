package one.derailed.gateway.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Stats is what one fleet measures. What happens per frame is counted by each event loop in its own
 * {@link LoopStats}; what happens per session or per heartbeat (connects, READY, closes, ...) goes into
 * {@link LongAdder}s and {@link Recorder}s here, from any thread. {@link #sample} folds both into a
 * {@link FleetSample}. Latencies are in microseconds, 3 significant digits.
 */
final class Stats {
    static final int DIGITS = 3;
    private static final int MAX_DISTINCT_ERRORS = 30;
    private static final int MAX_DISTINCT_CLOSES = 20;

    final Recorder readyLatency = new Recorder(DIGITS);
    final Recorder recoveryLatency = new Recorder(DIGITS);
    private final LongAdder[] counters = new LongAdder[Counter.ALL.length];
    private final List<LoopStats> loops = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private Histogram readyInterval;
    private Histogram recoveryInterval;

    Stats() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    static Histogram histogram() {
        return new Histogram(DIGITS);
    }

    /** The counters of a new event loop, which only that loop writes. */
    LoopStats newLoop() {
        LoopStats stats = new LoopStats();
        loops.add(stats);
        return stats;
    }

    void add(Counter counter) {
        counters[counter.ordinal()].increment();
    }

    void add(Counter counter, long n) {
        counters[counter.ordinal()].add(n);
    }

    long get(Counter counter) {
        long value = counters[counter.ordinal()].sum();
        for (LoopStats loop : loops) {
            value += switch (counter) {
                case DELIVERIES -> loop.deliveries;
                case OTHER_DISPATCHES -> loop.otherDispatches;
                case FRAMES_IN -> loop.framesIn;
                case WIRE_BYTES_IN -> loop.wireBytesIn;
                case JSON_BYTES_IN -> loop.jsonBytesIn;
                case SEQUENCE_GAPS -> loop.sequenceGaps;
                default -> 0;
            };
        }
        return value;
    }

    /** A close the server sent: by code, and by code and reason for the first few distinct reasons. */
    void closed(int code, String reason) {
        count(closes, Integer.toString(code), MAX_DISTINCT_CLOSES);
        if (reason != null && !reason.isEmpty()) {
            count(closes, code + " " + reason, MAX_DISTINCT_CLOSES);
        }
    }

    /** Counts an anomaly by its description (the first few distinct ones; the rest as "other"). */
    void error(String what) {
        count(errors, what, MAX_DISTINCT_ERRORS);
    }

    private static void count(Map<String, LongAdder> map, String key, int maxKeys) {
        LongAdder count = map.get(key);
        if (count == null) {
            count = map.computeIfAbsent(map.size() < maxKeys ? key : "other", k -> new LongAdder());
        }
        count.increment();
    }

    /** Every counter ({@code gauges} fills in the gauges), and the latencies recorded since the last sample. */
    synchronized FleetSample sample(long[] gauges) {
        long[] values = new long[Counter.ALL.length];
        for (Counter c : Counter.ALL) {
            values[c.ordinal()] = c.isGauge() ? gauges[c.ordinal()] : get(c);
        }
        readyInterval = readyLatency.getIntervalHistogram(readyInterval);
        recoveryInterval = recoveryLatency.getIntervalHistogram(recoveryInterval);
        Histogram delivery = histogram();
        for (LoopStats loop : loops) {
            delivery.add(loop.intervalDeliveries());
        }
        return new FleetSample(values, sums(closes), sums(errors), readyInterval.copy(), delivery,
                recoveryInterval.copy());
    }

    /** Deliveries of publish {@code number} across the loops, and the latest one's latency (microseconds). */
    long[] arrivalsOf(long number) {
        long count = 0;
        long latest = 0;
        for (LoopStats loop : loops) {
            long[] a = loop.arrivalsOf(number);
            if (a != null) {
                count += a[0];
                latest = Math.max(latest, a[1]);
            }
        }
        return new long[] {count, latest};
    }

    private static Map<String, Long> sums(Map<String, LongAdder> map) {
        Map<String, Long> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    /** "p50 1.23 ms p99 4.56 ms p99.9 7.89 ms max 9.99 ms (n=123)" of a microsecond histogram. */
    static String latency(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return "(none)";
        }
        return "p50 " + ms(h.getValueAtPercentile(50)) + " p99 " + ms(h.getValueAtPercentile(99))
                + " p99.9 " + ms(h.getValueAtPercentile(99.9)) + " max " + ms(h.getMaxValue())
                + " (n=" + h.getTotalCount() + ")";
    }

    static String ms(long micros) {
        return micros >= 10_000 ? String.format("%d ms", micros / 1000) : String.format("%.2f ms", micros / 1000.0);
    }
}
