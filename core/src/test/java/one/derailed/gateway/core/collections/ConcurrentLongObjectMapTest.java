package one.derailed.gateway.core.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class ConcurrentLongObjectMapTest {

    @Test
    void putsGetsReplacesAndRemoves() {
        ConcurrentLongObjectMap<String> map = new ConcurrentLongObjectMap<>();
        assertThat(map.get(9)).isNull();
        assertThat(map.put(9, "a")).isNull();
        assertThat(map.put(9, "b")).isEqualTo("a");
        assertThat(map.get(9)).isEqualTo("b");
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.remove(9)).isEqualTo("b");
        assertThat(map.remove(9)).isNull();
        assertThat(map.get(9)).isNull();
        assertThat(map.size()).isZero();
        assertThat(map.put(9, "c")).isNull();
        assertThat(map.get(9)).isEqualTo("c");
    }

    @Test
    void keepsZeroAndNegativeKeysAndRefusesNull() {
        ConcurrentLongObjectMap<String> map = new ConcurrentLongObjectMap<>();
        map.put(0, "zero");
        map.put(-1, "minus one");
        map.put(Long.MIN_VALUE, "min");
        assertThat(map.get(0)).isEqualTo("zero");
        assertThat(map.get(-1)).isEqualTo("minus one");
        assertThat(map.get(Long.MIN_VALUE)).isEqualTo("min");
        assertThat(map.size()).isEqualTo(3);
        assertThat(map.remove(0)).isEqualTo("zero");
        assertThat(map.get(0)).isNull();
        assertThat(map.size()).isEqualTo(2);
        assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void churnDoesNotGrowTheTableWithoutBound() {
        ConcurrentLongObjectMap<Long> map = new ConcurrentLongObjectMap<>();
        // Like sessions: numbers only rise, about a thousand alive at a time.
        for (long key = 1; key <= 1_000_000; key++) {
            map.put(key, key);
            if (key > 1000) {
                assertThat(map.remove(key - 1000)).isEqualTo(key - 1000);
            }
        }
        assertThat(map.size()).isEqualTo(1000);
        assertThat(map.capacity()).isLessThanOrEqualTo(4096);
        for (long key = 999_001; key <= 1_000_000; key++) {
            assertThat(map.get(key)).isEqualTo(key);
        }
        assertThat(map.get(999_000)).isNull();
    }

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll("operations") List<Tuple.Tuple3<Integer, Long, String>> operations) {
        ConcurrentLongObjectMap<String> map = new ConcurrentLongObjectMap<>();
        Map<Long, String> model = new HashMap<>();
        for (Tuple.Tuple3<Integer, Long, String> op : operations) {
            long key = op.get2();
            switch (op.get1()) {
                case 0 -> assertThat(map.put(key, op.get3())).isEqualTo(model.put(key, op.get3()));
                case 1 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> assertThat(map.get(key)).isEqualTo(model.get(key));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        model.forEach((key, value) -> assertThat(map.get(key)).isEqualTo(value));
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Long, String>>> operations() {
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(-3, 300),
                Arbitraries.longs());
        return Combinators.combine(Arbitraries.integers().between(0, 2), keys, Arbitraries.strings().ofLength(2))
                .as(Tuple::of).list().ofMaxSize(2000);
    }

    /**
     * Writers put and remove their own keys, growing and rebuilding the table as they go, while readers look up
     * every key: a reader may find a key or not, but never another key's value, and a key a writer keeps is never
     * missing.
     */
    @Test
    void readersNeverSeeAnotherKeysValueWhileWritersPutAndRemove() throws Exception {
        ConcurrentLongObjectMap<Long> map = new ConcurrentLongObjectMap<>();
        int writers = 3;
        int keysPerWriter = 20_000;
        long kept = 7; // every writer's key 7 (times its stride) stays in the map throughout
        for (int w = 0; w < writers; w++) {
            map.put(key(w, kept), key(w, kept));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    long found = 0;
                    do {
                        for (int w = 0; w < writers; w++) {
                            if (map.get(key(w, kept)) == null) {
                                throw new AssertionError("a kept key went missing");
                            }
                            for (long i = 0; i < keysPerWriter; i += 97) {
                                Long value = map.get(key(w, i));
                                if (value != null) {
                                    if (value != key(w, i)) {
                                        throw new AssertionError(key(w, i) + " read " + value);
                                    }
                                    found++;
                                }
                            }
                        }
                    } while (writing.get());
                    return found;
                }));
            }
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writes.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 5; round++) {
                        for (long i = 0; i < keysPerWriter; i++) {
                            if (i != kept) {
                                map.put(key(writer, i), key(writer, i));
                            }
                        }
                        for (long i = 0; i < keysPerWriter; i++) {
                            if (i != kept && (i + round) % 3 != 0) {
                                map.remove(key(writer, i));
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> write : writes) {
                write.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<Long> reader : readers) {
                reader.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int expected = 0;
        for (int w = 0; w < writers; w++) {
            for (long i = 0; i < keysPerWriter; i++) {
                boolean present = i == kept || (i + 4) % 3 == 0;
                assertThat(map.get(key(w, i))).isEqualTo(present ? Long.valueOf(key(w, i)) : null);
                expected += present ? 1 : 0;
            }
        }
        assertThat(map.size()).isEqualTo(expected);
    }

    /** Writers' keys interleave (as the sessions of one node do) so that they share slots and probe runs. */
    private static long key(int writer, long i) {
        return i * 3 + writer + 1;
    }
}
