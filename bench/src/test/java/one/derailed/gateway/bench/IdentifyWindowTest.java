package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifyWindowTest {
    private static final long MS = 1_000_000L;
    private static final long TARGET = 2_500 * MS;

    @Test
    void startsSmallAndOpensToItsMaximumWhileReadyComesBackInTime() {
        IdentifyWindow window = new IdentifyWindow(1000, TARGET);
        assertThat(window.limit()).isEqualTo(1);
        long now = 0;
        for (int ready = 0; ready < 7; ready++) {
            window.onReady(300 * MS, now += MS);
        }
        assertThat(window.limit()).isEqualTo(8);
        for (int ready = 0; ready < 8; ready++) {
            window.onReady(300 * MS, now += MS);
        }
        assertThat(window.limit()).as("doubled in one round of READYs").isEqualTo(16);
        for (int ready = 0; ready < 5_000; ready++) {
            window.onReady(300 * MS, now += MS);
        }
        assertThat(window.limit()).isEqualTo(1000);
    }

    @Test
    void halvesOnceForABatchOfLateReadiesThenGrowsByOneAWindow() {
        IdentifyWindow window = new IdentifyWindow(1000, TARGET);
        long now = 0;
        for (int ready = 0; ready < 63; ready++) {
            window.onReady(300 * MS, now += MS);
        }
        assertThat(window.limit()).isEqualTo(64);
        for (int late = 0; late < 40; late++) {
            window.onReady(4_000 * MS, now += MS);
        }
        assertThat(window.limit()).as("one cut for the whole late batch").isEqualTo(32);
        for (int ready = 0; ready < 31; ready++) {
            window.onReady(300 * MS, now += MS);
        }
        assertThat(window.limit()).as("past its first cut it grows by one per window").isEqualTo(32);
        window.onReady(300 * MS, now += MS);
        window.onReady(300 * MS, now += MS);
        assertThat(window.limit()).isEqualTo(33);
        window.onReady(4_000 * MS, now += TARGET);
        assertThat(window.limit()).as("a late READY a target later cuts again").isEqualTo(16);
    }

    @Test
    void neverClosesBelowOneNorOpensAboveItsMaximum() {
        IdentifyWindow window = new IdentifyWindow(4, TARGET);
        long now = 0;
        for (int ready = 0; ready < 10; ready++) {
            window.onReady(MS, now += MS);
        }
        assertThat(window.limit()).isEqualTo(4);
        for (int late = 0; late < 10; late++) {
            window.onReady(9_000 * MS, now += TARGET);
        }
        assertThat(window.limit()).isEqualTo(1);
        for (int ready = 0; ready < 100; ready++) {
            window.onReady(MS, now += MS);
        }
        assertThat(window.limit()).isEqualTo(4);
    }

    @Test
    void withoutATargetItStaysAtItsMaximum() {
        IdentifyWindow window = new IdentifyWindow(1000, 0);
        window.onReady(60_000 * MS, 1);
        assertThat(window.limit()).isEqualTo(1000);
    }
}
