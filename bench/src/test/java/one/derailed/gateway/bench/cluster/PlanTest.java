package one.derailed.gateway.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The plan sizes a run to this machine's shape: 2 cores, 24 GiB, 20,000 open files per process. */
class PlanTest {
    private static final Machine HERE = new Machine(2, "test", 24_105, 22_000, 20_000, 20_000, 32768, 60999, 4096,
            "Linux", "0.5 0.5 0.5");

    private static Plan.Request cluster(int sessions, int guilds, int edges) {
        return new Plan.Request("idle", sessions, guilds, edges, 0, 0, 0, 0, "none", 0, 0, 0, 0, 18100, 600);
    }

    @Test
    void twoHundredThousandSessionsFitAsFourteenEdgeNodesOfAtMostFifteenThousand() {
        Plan plan = new Plan(cluster(200_000, 2_000, 0), HERE);
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.edgeNodes()).hasSize(14).allSatisfy(n -> {
            assertThat(n.sessions()).isLessThanOrEqualTo(15_000);
            assertThat(n.openFiles()).isLessThanOrEqualTo(20_000);
            assertThat(n.roles()).containsExactly("websocket", "sessions");
        });
        assertThat(plan.nodes()).filteredOn(n -> !n.isEdge()).hasSize(2)
                .allSatisfy(n -> assertThat(n.roles()).containsExactly("guilds", "users", "ready", "grpc"));
        assertThat(plan.workers()).hasSize(14).allSatisfy(w -> assertThat(w.count()).isLessThanOrEqualTo(15_000));
        assertThat(plan.workers().stream().mapToInt(WorkerSpec::count).sum()).isEqualTo(200_000);
        assertThat(plan.expectedMib()).isLessThan(22_000);
        assertThat(plan.sources()).isGreaterThan(1);
    }

    @Test
    void refusesOneNodeThatWouldNeedMoreOpenFilesThanAProcessMayHave() {
        Plan plan = new Plan(new Plan.Request("idle", 200_000, 2_000, -1, 0, 0, 0, 0, "none", 0, 0, 0, 0, 18100,
                600), HERE);
        assertThat(plan.problems()).anyMatch(p -> p.contains("open files"));
    }

    @Test
    void refusesWhatDoesNotFitInMemoryAndSaysWhyWhenPrinted() {
        Machine small = new Machine(2, "test", 4_000, 3_000, 20_000, 20_000, 32768, 60999, 4096, "Linux", "0");
        Plan plan = new Plan(new Plan.Request("idle", 200_000, 2_000, 0, 0, 0, 0, 0, "zstd-stream", 0, 0, 0, 0,
                18100, 600), small);
        assertThat(plan.problems()).anyMatch(p -> p.contains("MiB available"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        plan.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("DOES NOT FIT", "| edge14 |", "| worker14 |");
    }
}
