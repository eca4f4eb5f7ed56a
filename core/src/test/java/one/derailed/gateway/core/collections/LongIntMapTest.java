package one.derailed.gateway.core.collections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

    @Test
    void putsGetsReplacesAndRemoves() {
        LongIntMap map = new LongIntMap(-1);
        assertThat(map.get(5)).isEqualTo(-1);
        assertThat(map.put(5, 50)).isEqualTo(-1);
        assertThat(map.put(5, 51)).isEqualTo(50);
        assertThat(map.get(5)).isEqualTo(51);
        assertThat(map.containsKey(5)).isTrue();
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.remove(5)).isEqualTo(51);
        assertThat(map.remove(5)).isEqualTo(-1);
        assertThat(map.containsKey(5)).isFalse();
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void keepsZeroAndNegativeKeys() {
        LongIntMap map = new LongIntMap(-7);
        assertThat(map.get(0)).isEqualTo(-7);
        map.put(0, 1);
        map.put(-1, 2);
        map.put(Long.MIN_VALUE, 3);
        map.put(Long.MAX_VALUE, 4);
        assertThat(map.size()).isEqualTo(4);
        assertThat(map.get(0)).isEqualTo(1);
        assertThat(map.get(-1)).isEqualTo(2);
        assertThat(map.get(Long.MIN_VALUE)).isEqualTo(3);
        assertThat(map.get(Long.MAX_VALUE)).isEqualTo(4);
        Map<Long, Integer> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).containsOnly(Map.entry(0L, 1), Map.entry(-1L, 2), Map.entry(Long.MIN_VALUE, 3),
                Map.entry(Long.MAX_VALUE, 4));
        assertThat(map.remove(0)).isEqualTo(1);
        assertThat(map.containsKey(0)).isFalse();
        assertThat(map.size()).isEqualTo(3);
    }

    @Test
    void growsPastAMillionAndShrinksBackWhenEmptied() {
        LongIntMap map = new LongIntMap(-1);
        int n = 1 << 20;
        for (int i = 1; i <= n; i++) {
            map.put(i * 4_194_304L + 7, i);
        }
        assertThat(map.size()).isEqualTo(n);
        assertThat(map.capacity()).isEqualTo(1 << 21);
        int wrong = 0;
        for (int i = 1; i <= n; i++) {
            wrong += map.get(i * 4_194_304L + 7) == i ? 0 : 1;
        }
        for (int i = 1; i <= n; i++) {
            wrong += map.remove(i * 4_194_304L + 7) == i ? 0 : 1;
        }
        assertThat(wrong).isZero();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.capacity()).isLessThanOrEqualTo(8);
    }

    @Test
    void sizingAheadAvoidsGrowth() {
        LongIntMap map = new LongIntMap(-1, 1000);
        int capacity = map.capacity();
        for (int i = 1; i <= 1000; i++) {
            map.put(i, i);
        }
        assertThat(map.capacity()).isEqualTo(capacity).isEqualTo(2048);
    }

    /** Keys that all start at the same slot form one long run; removing from its middle must keep the rest found. */
    @Test
    void removalInsideALongCollisionRunKeepsEveryOtherKeyReachable() {
        LongIntMap map = new LongIntMap(-1, 150);
        int shift = LongHashing.shiftFor(map.capacity());
        List<Long> colliding = collidingKeys(shift, 3, 60);
        List<Long> neighbours = collidingKeys(shift, 4, 20);
        for (long key : colliding) {
            map.put(key, (int) key);
        }
        for (long key : neighbours) {
            map.put(key, (int) key);
        }
        assertThat(map.capacity()).isEqualTo(256);
        for (int i = 0; i < colliding.size(); i += 3) {
            assertThat(map.remove(colliding.get(i))).isEqualTo((int) (long) colliding.get(i));
        }
        for (int i = 0; i < colliding.size(); i++) {
            assertThat(map.get(colliding.get(i))).isEqualTo(i % 3 == 0 ? -1 : (int) (long) colliding.get(i));
        }
        for (long key : neighbours) {
            assertThat(map.get(key)).isEqualTo((int) key);
        }
    }

    /** Runs that wrap past the table's end: homes in the last slot spill into slot 0 and on. */
    @Test
    void removalInARunThatWrapsAroundTheTable() {
        LongIntMap map = new LongIntMap(-1, 40);
        int shift = LongHashing.shiftFor(map.capacity());
        int last = map.capacity() - 1;
        List<Long> atEnd = collidingKeys(shift, last, 10);
        List<Long> atStart = collidingKeys(shift, 0, 5);
        atEnd.forEach(k -> map.put(k, 1));
        atStart.forEach(k -> map.put(k, 2));
        map.remove(atEnd.get(0));
        map.remove(atEnd.get(5));
        map.remove(atStart.get(2));
        for (int i = 0; i < atEnd.size(); i++) {
            assertThat(map.get(atEnd.get(i))).isEqualTo(i == 0 || i == 5 ? -1 : 1);
        }
        for (int i = 0; i < atStart.size(); i++) {
            assertThat(map.get(atStart.get(i))).isEqualTo(i == 2 ? -1 : 2);
        }
        assertThat(map.size()).isEqualTo(12);
    }

    /** Keys whose home slot is {@code slot} in a table of 2^(64 - shift) slots. */
    static List<Long> collidingKeys(int shift, int slot, int count) {
        List<Long> keys = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(slot);
        while (keys.size() < count) {
            long key = random.nextLong();
            if (key != 0 && LongHashing.slot(key, shift) == slot && !keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    sealed interface Op permits Put, Remove {}

    record Put(long key, int value) implements Op {}

    record Remove(long key) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        // Few distinct keys (including 0) so puts, replacements and removals hit the same runs again and again.
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs().between(-40, 40),
                Arbitraries.longs().between(0, 40).map(k -> k << 58), Arbitraries.longs());
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, net.jqwik.api.Combinators.combine(keys, Arbitraries.integers())
                        .as(Put::new)),
                net.jqwik.api.Tuple.of(2, keys.map(Remove::new)));
        return op.list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void behavesLikeAHashMap(@ForAll("operations") List<Op> ops) {
        LongIntMap map = new LongIntMap(Integer.MIN_VALUE);
        Map<Long, Integer> model = new HashMap<>();
        for (Op op : ops) {
            switch (op) {
                case Put put -> assertThat(map.put(put.key(), put.value()))
                        .isEqualTo(orMissing(model.put(put.key(), put.value())));
                case Remove remove -> assertThat(map.remove(remove.key()))
                        .isEqualTo(orMissing(model.remove(remove.key())));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        for (Map.Entry<Long, Integer> e : model.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
        Map<Long, Integer> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).isEqualTo(model);
    }

    @Property(tries = 100)
    void everyKeyIsFoundAfterRandomRemovals(@ForAll @Size(max = 3000) List<Long> keys) {
        LongIntMap map = new LongIntMap(-1);
        Map<Long, Integer> model = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            map.put(keys.get(i), i);
            model.put(keys.get(i), i);
        }
        for (int i = 0; i < keys.size(); i += 2) {
            map.remove(keys.get(i));
            model.remove(keys.get(i));
        }
        assertThat(map.size()).isEqualTo(model.size());
        model.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
    }

    private static int orMissing(Integer value) {
        return value == null ? Integer.MIN_VALUE : value;
    }
}
