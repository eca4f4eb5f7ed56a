package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** A worker's sample crosses the pipe as one line and comes back whole; samples of several workers add up. */
class FleetSampleTest {
    private static FleetSample sample(long deliveries, long firstIdentify, long lastReady, String error, long latency) {
        long[] values = new long[Counter.ALL.length];
        values[Counter.DELIVERIES.ordinal()] = deliveries;
        values[Counter.READY_NOW.ordinal()] = 10;
        values[Counter.FIRST_IDENTIFY_NANOS.ordinal()] = firstIdentify;
        values[Counter.LAST_READY_NANOS.ordinal()] = lastReady;
        Map<String, Long> closes = new TreeMap<>(Map.of("4000 the gateway could not identify you in time", 2L));
        Map<String, Long> errors = new TreeMap<>(Map.of(error, 1L));
        Histogram delivery = Stats.histogram();
        delivery.recordValue(latency);
        return new FleetSample(values, closes, errors, Stats.histogram(), delivery, Stats.histogram());
    }

    @Test
    void survivesTheLineEncoding() {
        FleetSample sent = sample(1234, 5, 9, "connect: errno 111 & more=odd:chars", 4321);
        FleetSample received = FleetSample.decode(sent.encode());
        assertThat(received.values()).containsExactly(sent.values());
        assertThat(received.closes()).isEqualTo(sent.closes());
        assertThat(received.errors()).isEqualTo(sent.errors());
        assertThat(received.delivery().getTotalCount()).isEqualTo(1);
        assertThat(received.delivery().getMaxValue()).isEqualTo(sent.delivery().getMaxValue());
        assertThat(sent.encode()).doesNotContain("\n");
    }

    @Test
    void addsCountersAndKeepsTheEarliestFirstAndTheLatestLast() {
        FleetSample sum = sample(100, 50, 900, "a", 1000).plus(sample(20, 30, 700, "a", 3000));
        assertThat(sum.get(Counter.DELIVERIES)).isEqualTo(120);
        assertThat(sum.get(Counter.READY_NOW)).isEqualTo(20);
        assertThat(sum.get(Counter.FIRST_IDENTIFY_NANOS)).isEqualTo(30);
        assertThat(sum.get(Counter.LAST_READY_NANOS)).isEqualTo(900);
        assertThat(sum.errors()).containsEntry("a", 2L);
        assertThat(sum.delivery().getTotalCount()).isEqualTo(2);
        assertThat(FleetSample.empty().plus(sample(1, 0, 0, "b", 1)).get(Counter.FIRST_IDENTIFY_NANOS)).isZero();
    }
}
