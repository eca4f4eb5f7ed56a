package one.derailed.gateway.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Running totals become what happened per interval, stamped so that every node's samples line up. */
class RateHistoryTest {

    private static RateHistory.Totals totals(double published, double delivered, double invalid,
                                             Map<String, Double> closes) {
        return new RateHistory.Totals(published, delivered, invalid, closes);
    }

    @Test
    void samplesAreDeltasPerIntervalKeptUpToTheBound() {
        RateHistory history = new RateHistory(5_000, 3);
        history.record(100_020, totals(10, 100, 1, Map.of("4000", 2.0)));
        assertThat(history.samples()).as("the first reading only sets where counting starts").isEmpty();
        history.record(105_010, totals(15, 160, 1, Map.of("4000", 2.0, "1000", 1.0)));
        history.record(109_990, totals(15, 160, 3, Map.of("4000", 5.0, "1000", 1.0)));
        assertThat(history.samples()).containsExactly(
                new AdminProtocol.Sample(105_000, 5, 60, 0, Map.of("1000", 1L)),
                new AdminProtocol.Sample(110_000, 0, 0, 2, Map.of("4000", 3L)));
        history.record(115_000, totals(16, 160, 3, Map.of()));
        history.record(120_000, totals(17, 160, 3, Map.of()));
        assertThat(history.samples()).extracting(AdminProtocol.Sample::at).containsExactly(110_000L, 115_000L,
                120_000L);
    }

    @Test
    void twoReadingsInOneIntervalAddUp() {
        RateHistory history = new RateHistory(5_000, 10);
        history.record(100_000, totals(0, 0, 0, Map.of()));
        history.record(104_900, totals(3, 0, 0, Map.of()));
        history.record(105_100, totals(4, 0, 0, Map.of("4009", 1.0)));
        assertThat(history.samples()).containsExactly(new AdminProtocol.Sample(105_000, 4, 0, 0, Map.of("4009", 1L)));
    }
}
