package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BacklogWatchTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBacklogIsDrainedWhenEveryExpectedDeliveryArrived() {
        BacklogWatch watch = new BacklogWatch(3 * SECOND, 0);
        assertThat(watch.drained(70_000, 100_000, SECOND)).isFalse();
        assertThat(watch.drained(99_999, 100_000, 2 * SECOND)).isFalse();
        assertThat(watch.drained(100_000, 100_000, 3 * SECOND)).isTrue();
    }

    @Test
    void aBacklogStillArrivingIsNotDrainedHoweverLongItTakes() {
        BacklogWatch watch = new BacklogWatch(3 * SECOND, 0);
        for (int second = 1; second <= 60; second++) {
            assertThat(watch.drained(second * 1_000L, 100_000, second * SECOND)).as("at %d s", second).isFalse();
        }
    }

    @Test
    void deliveriesThatStoppedArrivingCountAsDrainedOnceQuietLongEnough() {
        BacklogWatch watch = new BacklogWatch(3 * SECOND, 0);
        assertThat(watch.drained(80_000, 100_000, SECOND)).isFalse();
        assertThat(watch.drained(90_000, 100_000, 2 * SECOND)).isFalse();
        assertThat(watch.drained(90_000, 100_000, 5 * SECOND)).as("quiet for exactly 3 s").isFalse();
        assertThat(watch.drained(90_000, 100_000, 5 * SECOND + 1)).isTrue();
    }

    @Test
    void nothingAtAllArrivingCountsFromTheStart() {
        BacklogWatch watch = new BacklogWatch(3 * SECOND, 10 * SECOND);
        assertThat(watch.drained(0, 100, 12 * SECOND)).isFalse();
        assertThat(watch.drained(0, 100, 12 * SECOND)).isFalse();
        assertThat(watch.drained(0, 100, 14 * SECOND)).isTrue();
    }
}
