package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScenarioCommandTest {
    /**
     * The slowest READY rates measured here (docs/benchmarks.md): ~150/s for 200,000 sessions on a cluster of 16
     * nodes sharing the 2 cores, ~290/s for 10,000 on one node at a load of 12. A run's setup must outlast them, or
     * its hold starts with sessions still identifying.
     */
    @Test
    void theDefaultReadyTimeoutOutlastsTheSlowestReadyRatesMeasuredHere() {
        assertThat(ScenarioCommand.defaultReadyTimeoutSeconds(200_000, true)).isGreaterThan(200_000 / 150);
        assertThat(ScenarioCommand.defaultReadyTimeoutSeconds(10_000, false)).isGreaterThan(10_000 / 290);
    }
}
