package one.derailed.gateway.bench;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * FleetSample is one look at a fleet: every {@link Counter} (cumulative, or a gauge), the close codes and anomalies
 * seen so far, and the latencies recorded since the previous sample (IDENTIFY to READY, publish to receive, socket
 * lost to READY or RESUMED again; microseconds). Samples of several fleets, in one process or many, add up with
 * {@link #plus}; {@link #encode} and {@link #decode} carry one over a worker's pipe as a single line.
 */
record FleetSample(long[] values, Map<String, Long> closes, Map<String, Long> errors, Histogram ready,
                   Histogram delivery, Histogram recovery) {

    static FleetSample empty() {
        return new FleetSample(new long[Counter.ALL.length], new TreeMap<>(), new TreeMap<>(), Stats.histogram(),
                Stats.histogram(), Stats.histogram());
    }

    long get(Counter counter) {
        return values[counter.ordinal()];
    }

    /** This sample and {@code other} together (counters and the NOW gauges added; histograms merged). */
    FleetSample plus(FleetSample other) {
        long[] sum = new long[values.length];
        for (Counter c : Counter.ALL) {
            long a = values[c.ordinal()];
            long b = other.values[c.ordinal()];
            sum[c.ordinal()] = c.isFirst() ? (a == 0 ? b : b == 0 ? a : Math.min(a, b))
                    : c.isLast() ? Math.max(a, b) : a + b;
        }
        Map<String, Long> closesSum = new TreeMap<>(closes);
        other.closes.forEach((k, v) -> closesSum.merge(k, v, Long::sum));
        Map<String, Long> errorsSum = new TreeMap<>(errors);
        other.errors.forEach((k, v) -> errorsSum.merge(k, v, Long::sum));
        return new FleetSample(sum, closesSum, errorsSum, merged(ready, other.ready), merged(delivery, other.delivery),
                merged(recovery, other.recovery));
    }

    private static Histogram merged(Histogram a, Histogram b) {
        Histogram h = a.copy();
        h.add(b);
        return h;
    }

    /** One line, no spaces inside a field: {@code name=value} per counter, then the maps and the histograms. */
    String encode() {
        StringBuilder line = new StringBuilder();
        for (Counter c : Counter.ALL) {
            line.append(c.name()).append('=').append(values[c.ordinal()]).append(' ');
        }
        line.append("closes=").append(map(closes)).append(" errors=").append(map(errors));
        line.append(" ready=").append(histogram(ready)).append(" delivery=").append(histogram(delivery));
        line.append(" recovery=").append(histogram(recovery));
        return line.toString();
    }

    static FleetSample decode(String line) {
        FleetSample sample = empty();
        Map<String, Long> closes = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        Histogram ready = null;
        Histogram delivery = null;
        Histogram recovery = null;
        for (String field : line.trim().split(" ")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            switch (name) {
                case "closes" -> closes = map(value);
                case "errors" -> errors = map(value);
                case "ready" -> ready = histogram(value);
                case "delivery" -> delivery = histogram(value);
                case "recovery" -> recovery = histogram(value);
                default -> sample.values[Counter.valueOf(name).ordinal()] = Long.parseLong(value);
            }
        }
        return new FleetSample(sample.values, closes, errors, ready == null ? Stats.histogram() : ready,
                delivery == null ? Stats.histogram() : delivery, recovery == null ? Stats.histogram() : recovery);
    }

    private static String map(Map<String, Long> map) {
        StringBuilder s = new StringBuilder("-");
        map.forEach((k, v) -> s.append(s.length() > 1 ? "&" : "").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append(':').append(v));
        return s.toString();
    }

    private static Map<String, Long> map(String text) {
        Map<String, Long> map = new TreeMap<>();
        String body = text.startsWith("-") ? text.substring(1) : text;
        for (String pair : body.split("&")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                map.merge(URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8),
                        Long.parseLong(pair.substring(colon + 1)), Long::sum);
            }
        }
        return map;
    }

    private static String histogram(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram histogram(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("a histogram that does not decode", e);
        }
    }
}
