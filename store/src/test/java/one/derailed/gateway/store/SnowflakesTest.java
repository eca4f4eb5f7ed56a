package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SnowflakesTest {

    @Test
    void increasesStrictly() {
        long previous = Snowflakes.next();
        for (int i = 0; i < 100_000; i++) {
            long next = Snowflakes.next();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    void carriesTheTimeItWasMade() {
        Instant before = Instant.now().minusMillis(1);
        Instant made = Snowflakes.timestampOf(Snowflakes.next());

        assertThat(made).isBetween(before, Instant.now().plus(Duration.ofSeconds(5)));
        assertThat(Snowflakes.timestampOf(0)).isEqualTo(Instant.parse("2015-01-01T00:00:00Z"));
        assertThat(Snowflakes.timestampOf(175928847299117063L)).isEqualTo(Instant.parse("2016-04-30T11:18:25.796Z"));
    }

    @Test
    void isUniqueAcrossThreads() throws Exception {
        int threads = 8;
        int each = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Future<?>[] futures = new Future<?>[threads];
            long[][] made = new long[threads][];
            for (int t = 0; t < threads; t++) {
                int slot = t;
                futures[t] = pool.submit(() -> {
                    made[slot] = LongStream.generate(Snowflakes::next).limit(each).toArray();
                });
            }
            for (Future<?> future : futures) {
                future.get();
            }
            long[] all = Arrays.stream(made).flatMapToLong(Arrays::stream).toArray();
            assertThat(Arrays.stream(all).distinct().count()).isEqualTo((long) threads * each);
            for (long[] one : made) {
                assertThat(one).isSorted();
            }
        }
    }
}
