package one.derailed.gateway.core.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Meters reads a node's own figures back from its registry by name (GatewayMetrics', and the gauges the edge
 * registers), so the admin reports what /metrics serves without the edge or the metrics knowing of it.
 */
final class Meters {
    private Meters() {}

    /** The sum of every counter named {@code name} (all its tags). */
    static double counted(MeterRegistry registry, String name) {
        double total = 0;
        for (Counter counter : registry.find(name).counters()) {
            total += counter.count();
        }
        return total;
    }

    /** Counters named {@code name}, summed by the value of their tag {@code tag}. */
    static Map<String, Double> countedBy(MeterRegistry registry, String name, String tag) {
        Map<String, Double> totals = new HashMap<>();
        for (Counter counter : registry.find(name).counters()) {
            String value = counter.getId().getTag(tag);
            totals.merge(value == null ? "" : value, counter.count(), Double::sum);
        }
        return totals;
    }

    /** The value of the gauge named {@code name}, or {@code absent} when there is none (a role this node lacks). */
    static long gauge(MeterRegistry registry, String name, long absent) {
        Gauge gauge = registry.find(name).gauge();
        if (gauge == null) {
            return absent;
        }
        double value = gauge.value();
        return Double.isNaN(value) ? absent : Math.round(value);
    }
}
