package one.derailed.gateway.core.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {

    @Test
    void putsGetsReplacesAndRemoves() {
        LongObjectMap<String> map = new LongObjectMap<>();
        assertThat(map.get(9)).isNull();
        assertThat(map.put(9, "a")).isNull();
        assertThat(map.put(9, "b")).isEqualTo("a");
        assertThat(map.get(9)).isEqualTo("b");
        assertThat(map.computeIfAbsent(9, k -> "c")).isEqualTo("b");
        assertThat(map.computeIfAbsent(10, k -> "k" + k)).isEqualTo("k10");
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.remove(9)).isEqualTo("b");
        assertThat(map.remove(9)).isNull();
        assertThat(map.containsKey(10)).isTrue();
        map.clear();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(10)).isNull();
    }

    @Test
    void keepsZeroBesideTheTableAndRefusesNull() {
        LongObjectMap<String> map = new LongObjectMap<>();
        map.put(0, "zero");
        map.put(1, "one");
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.get(0)).isEqualTo("zero");
        Map<Long, String> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).containsOnly(Map.entry(0L, "zero"), Map.entry(1L, "one"));
        assertThat(map.remove(0)).isEqualTo("zero");
        assertThat(map.size()).isEqualTo(1);
        assertThatThrownBy(() -> map.put(2, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void growsAndShrinksAndReleasesRemovedValues() {
        LongObjectMap<Long> map = new LongObjectMap<>();
        for (long i = 1; i <= 100_000; i++) {
            map.put(i, i);
        }
        assertThat(map.capacity()).isEqualTo(1 << 18);
        for (long i = 1; i <= 100_000; i++) {
            assertThat(map.get(i)).isEqualTo(i);
        }
        for (long i = 1; i <= 99_990; i++) {
            assertThat(map.remove(i)).isEqualTo(i);
        }
        assertThat(map.size()).isEqualTo(10);
        assertThat(map.capacity()).isLessThanOrEqualTo(64);
        for (long i = 99_991; i <= 100_000; i++) {
            assertThat(map.get(i)).isEqualTo(i);
        }
    }

    @Test
    void removalInsideACollisionRunKeepsTheRestReachable() {
        LongObjectMap<Long> map = new LongObjectMap<>(100);
        int shift = LongHashing.shiftFor(map.capacity());
        List<Long> run = LongIntMapTest.collidingKeys(shift, map.capacity() - 2, 40);
        List<Long> after = LongIntMapTest.collidingKeys(shift, 1, 10);
        run.forEach(k -> map.put(k, k));
        after.forEach(k -> map.put(k, k));
        for (int i = 1; i < run.size(); i += 2) {
            map.remove(run.get(i));
        }
        for (int i = 0; i < run.size(); i++) {
            assertThat(map.get(run.get(i))).isEqualTo(i % 2 == 1 ? null : run.get(i));
        }
        after.forEach(k -> assertThat(map.get(k)).isEqualTo(k));
        assertThat(map.size()).isEqualTo(30);
    }

    sealed interface Op permits Put, Remove {}

    record Put(long key, String value) implements Op {}

    record Remove(long key) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(-30, 30),
                Arbitraries.longs().between(0, 30).map(k -> k << 59 | 3), Arbitraries.longs());
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(keys, Arbitraries.strings().ofMaxLength(2)).as(Put::new)),
                Tuple.of(2, keys.map(Remove::new)));
        return op.list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void behavesLikeAHashMap(@ForAll("operations") List<Op> ops) {
        LongObjectMap<String> map = new LongObjectMap<>();
        Map<Long, String> model = new HashMap<>();
        for (Op op : ops) {
            switch (op) {
                case Put put -> assertThat(map.put(put.key(), put.value()))
                        .isEqualTo(model.put(put.key(), put.value()));
                case Remove remove -> assertThat(map.remove(remove.key())).isEqualTo(model.remove(remove.key()));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        model.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
        Map<Long, String> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).isEqualTo(model);
    }
}
