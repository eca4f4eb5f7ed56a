package one.derailed.gateway.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Stats is what the load generator measures. Latencies go into HdrHistogram {@link Recorder}s in microseconds (the
 * event loops record, wait-free); {@link #sample} moves what was recorded since the last sample into the run's totals
 * and into the current phase (a fan-out step, the storm, ...). Counters are {@link LongAdder}s.
 */
final class Stats {
    private static final int DIGITS = 3;

    final Recorder readyLatency = new Recorder(DIGITS);
    final Recorder deliveryLatency = new Recorder(DIGITS);
    final Recorder publishLatency = new Recorder(DIGITS);
    /** Connect started -> TCP connected, -> WebSocket handshake done, -> HELLO received (microseconds). */
    final Histogram tcpLatency = new Histogram(DIGITS);
    final Histogram handshakeLatency = new Histogram(DIGITS);
    final Histogram helloLatency = new Histogram(DIGITS);

    final LongAdder connectsStarted = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder handshakes = new LongAdder();
    final LongAdder hellos = new LongAdder();
    final LongAdder identifies = new LongAdder();
    final LongAdder readies = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder otherDispatches = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder wireBytesIn = new LongAdder();
    final LongAdder jsonBytesIn = new LongAdder();
    final LongAdder heartbeatsSent = new LongAdder();
    final LongAdder heartbeatAcks = new LongAdder();
    final LongAdder missedAcks = new LongAdder();
    final LongAdder heartbeatRequests = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder invalidSessions = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder decodeFailures = new LongAdder();
    final LongAdder publishes = new LongAdder();
    final LongAdder publishFailures = new LongAdder();
    final LongAdder publishesSkipped = new LongAdder();
    final LongAdder expectedDeliveries = new LongAdder();
    final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
    final Map<String, LongAdder> publishErrors = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    private final Histogram readyTotal = new Histogram(DIGITS);
    private final Histogram deliveryTotal = new Histogram(DIGITS);
    private final Histogram publishTotal = new Histogram(DIGITS);
    private final Histogram readyPhase = new Histogram(DIGITS);
    private final Histogram deliveryPhase = new Histogram(DIGITS);
    private final Histogram publishPhase = new Histogram(DIGITS);
    private Histogram readyInterval;
    private Histogram deliveryInterval;
    private Histogram publishInterval;

    /** What one sample saw: the interval's histograms (valid until the next sample). */
    record Interval(Histogram ready, Histogram delivery, Histogram publish) {}

    /** A phase's histograms, copies owned by the caller. */
    record Phase(Histogram ready, Histogram delivery, Histogram publish) {}

    /** Takes what was recorded since the last sample into the totals and the current phase. */
    synchronized Interval sample() {
        readyInterval = readyLatency.getIntervalHistogram(readyInterval);
        deliveryInterval = deliveryLatency.getIntervalHistogram(deliveryInterval);
        publishInterval = publishLatency.getIntervalHistogram(publishInterval);
        readyTotal.add(readyInterval);
        deliveryTotal.add(deliveryInterval);
        publishTotal.add(publishInterval);
        readyPhase.add(readyInterval);
        deliveryPhase.add(deliveryInterval);
        publishPhase.add(publishInterval);
        return new Interval(readyInterval, deliveryInterval, publishInterval);
    }

    /** Starts a new phase (what was recorded before belongs to the old one, which is dropped). */
    synchronized void beginPhase() {
        sample();
        readyPhase.reset();
        deliveryPhase.reset();
        publishPhase.reset();
    }

    /** Ends the current phase and returns its histograms. */
    synchronized Phase endPhase() {
        sample();
        return new Phase(readyPhase.copy(), deliveryPhase.copy(), publishPhase.copy());
    }

    synchronized Phase totals() {
        sample();
        return new Phase(readyTotal.copy(), deliveryTotal.copy(), publishTotal.copy());
    }

    /** Records one connection's setup latencies (from any event loop; the histograms are guarded by this). */
    synchronized void connected(long tcpMicros, long handshakeMicros, long helloMicros) {
        tcpLatency.recordValue(Math.max(0, tcpMicros));
        handshakeLatency.recordValue(Math.max(0, handshakeMicros));
        helloLatency.recordValue(Math.max(0, helloMicros));
    }

    synchronized String connectLatencies() {
        return "connect->TCP " + latency(tcpLatency) + "\n  connect->101 " + latency(handshakeLatency)
                + "\n  connect->HELLO " + latency(helloLatency);
    }

    void closed(int code, String reason) {
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
        if (reason == null || reason.isEmpty()) {
            return;
        }
        String key = code + " " + reason;
        LongAdder count = closeReasons.get(key);
        if (count == null && closeReasons.size() < 20) {
            count = closeReasons.computeIfAbsent(key, k -> new LongAdder());
        }
        if (count != null) {
            count.increment();
        }
    }

    /** Counts an anomaly by its description (at most 30 distinct descriptions; the rest as "other"). */
    void errors(String what) {
        LongAdder count = errors.get(what);
        if (count == null) {
            count = errors.computeIfAbsent(errors.size() < 30 ? what : "other", k -> new LongAdder());
        }
        count.increment();
    }

    void publishError(String what) {
        publishFailures.increment();
        publishErrors.computeIfAbsent(what, w -> new LongAdder()).increment();
    }

    static String counts(Map<?, LongAdder> map) {
        Map<String, Long> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), v.sum()));
        return sorted.toString();
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
