package one.derailed.gateway.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The sessions an entity serves, kept inline for one and in a map beyond, are exactly the set they stand for. */
class UpstreamsTest {
    /** Each step adds (even) or removes (odd) one of four session numbers. */
    @Property(tries = 500)
    void anEntitysSessionsAreTheSetOfThoseAddedAndNotRemoved(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 7) Integer> steps) {
        Upstreams.Watched watched = new Upstreams.Watched(null, 1, false, 1);
        Set<Long> expected = new HashSet<>();
        for (int step : steps) {
            long session = 100 + step / 2;
            if (step % 2 == 0) {
                watched.add(session);
                expected.add(session);
            } else {
                watched.remove(session);
                expected.remove(session);
            }
            assertThat(watched.size()).isEqualTo(expected.size());
            assertThat(Arrays.stream(watched.sessions()).boxed().collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(watched.sessions()).doesNotHaveDuplicates();
        }
    }
}
