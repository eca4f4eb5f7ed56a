package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A worker's sessions start spread over every edge node, so a killed node's sessions belong to every worker and
 * come back through all their identify windows. Before, each worker's sessions all started at its own node: the
 * kill run at 200,000 had one worker bring back 12,864 sessions through one window (3,316 back within 100 s).
 */
class FleetEndpointTest {
    private static final int EDGES = 14;
    private static final int SESSIONS = 14_286;

    private static int[] countAt(int attempt, int home) {
        int[] counts = new int[EDGES];
        IntStream.range(0, SESSIONS)
                .filter(i -> home < 0 || Fleet.endpointIndex(i, 0, EDGES, false) == home)
                .forEach(i -> counts[Fleet.endpointIndex(i, attempt, EDGES, false)]++);
        return counts;
    }

    @Test
    void aWorkersSessionsStartSpreadEvenlyOverEveryEdgeNode() {
        int[] counts = countAt(0, -1);
        assertThat(IntStream.of(counts).max().getAsInt() - IntStream.of(counts).min().getAsInt()).isLessThanOrEqualTo(1);
        assertThat(IntStream.of(counts).sum()).isEqualTo(SESSIONS);
    }

    @Test
    void aLostNodesSessionsShareTheOtherNodesEvenlyAndNeverTryItAgain() {
        int lost = 1;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] counts = countAt(attempt, lost);
            assertThat(counts[lost]).as("attempt %d back at the lost node", attempt).isZero();
            int[] others = IntStream.range(0, EDGES).filter(e -> e != lost).map(e -> counts[e]).toArray();
            assertThat(IntStream.of(others).max().getAsInt() - IntStream.of(others).min().getAsInt())
                    .as("attempt %d", attempt).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void observersStartAtTheFirstEdgeNodeWhichTheKillScenarioNeverKills() {
        assertThat(IntStream.range(0, 2_000).map(i -> Fleet.endpointIndex(i, 0, EDGES, true))).containsOnly(0);
    }

    @Test
    void oneEndpointIsAlwaysThatOne() {
        assertThat(IntStream.range(0, 100).map(i -> Fleet.endpointIndex(i, i % 3, 1, false))).containsOnly(0);
    }
}
