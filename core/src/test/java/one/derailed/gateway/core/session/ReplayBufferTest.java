package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void replaysEverythingAfterTheClientsSequence() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq, "E", new byte[] {(byte) seq});
        }
        assertThat(buffer.after(2, 5)).extracting(ReplayBuffer.Entry::seq).containsExactly(3L, 4L, 5L);
        assertThat(buffer.after(5, 5)).isEmpty();
        assertThat(buffer.after(0, 5)).hasSize(5);
    }

    @Test
    void aSessionThatGetsDispatchesKeepsItsSmallRingButAnIdleOneGivesItBack() {
        ReplayBuffer buffer = new ReplayBuffer(1000, 1 << 20);
        buffer.add(1, "E", new byte[10]);
        buffer.dropUpTo(1);
        assertThat(buffer.capacity()).as("emptied by an acknowledgement, with a dispatch since the last").isEqualTo(8);
        buffer.add(2, "E", new byte[10]);
        buffer.dropUpTo(2);
        assertThat(buffer.capacity()).isEqualTo(8);
        buffer.dropUpTo(2);
        assertThat(buffer.capacity()).as("a heartbeat interval without a dispatch").isZero();
        buffer.add(3, "E", new byte[10]);
        assertThat(buffer.after(2, 3)).extracting(ReplayBuffer.Entry::seq).containsExactly(3L);
        for (long seq = 4; seq <= 20; seq++) {
            buffer.add(seq, "E", new byte[10]);
        }
        buffer.dropUpTo(20);
        assertThat(buffer.capacity()).as("a burst's grown ring").isZero();
    }

    @Test
    void acknowledgedEntriesLeaveAndAResumeFromTheAcknowledgedSeqOrLaterStillWorks() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1 << 20);
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq, "E", new byte[100]);
        }
        long before = buffer.bytes();
        buffer.dropUpTo(3);
        assertThat(buffer.events()).isEqualTo(2);
        assertThat(buffer.bytes()).isEqualTo(before * 2 / 5);
        assertThat(buffer.after(3, 5)).extracting(ReplayBuffer.Entry::seq).containsExactly(4L, 5L);
        assertThat(buffer.after(4, 5)).extracting(ReplayBuffer.Entry::seq).containsExactly(5L);
        assertThat(buffer.after(2, 5)).as("less than the client acknowledged").isNull();
        buffer.dropUpTo(5);
        assertThat(buffer.events()).isZero();
        assertThat(buffer.bytes()).isZero();
        assertThat(buffer.after(5, 5)).isEmpty();
    }

    @Test
    void refusesASequenceAheadOfTheSessionOrOlderThanTheBuffer() {
        ReplayBuffer buffer = new ReplayBuffer(3, 1 << 20);
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq, "E", new byte[0]);
        }
        assertThat(buffer.after(6, 5)).isNull();
        assertThat(buffer.after(1, 5)).isNull();
        assertThat(buffer.after(2, 5)).extracting(ReplayBuffer.Entry::seq).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aDispatchLargerThanTheWholeBufferEmptiesItAndCannotBeReplayed() {
        ReplayBuffer buffer = new ReplayBuffer(10, 1000);
        buffer.add(1, "E", new byte[10]);
        assertThat(buffer.add(2, "E", new byte[5000])).isEqualTo(2);
        assertThat(buffer.bytes()).isZero();
        assertThat(buffer.after(0, 2)).isNull();
        assertThat(buffer.after(2, 2)).isEmpty();
    }

    @Property
    void accountingNeverPassesEitherBound(@ForAll @Size(max = 300) List<@IntRange(max = 5000) Integer> sizes,
                                          @ForAll @IntRange(min = 1, max = 50) int maxEvents,
                                          @ForAll @IntRange(min = 100, max = 20_000) int maxBytes) {
        ReplayBuffer buffer = new ReplayBuffer(maxEvents, maxBytes);
        long seq = 0;
        for (int size : sizes) {
            buffer.add(++seq, "MESSAGE_CREATE", new byte[size]);
            assertThat(buffer.events()).isLessThanOrEqualTo(maxEvents);
            assertThat(buffer.bytes()).isLessThanOrEqualTo(maxBytes);
            List<ReplayBuffer.Entry> all = buffer.after(seq - buffer.events(), seq);
            assertThat(all).isNotNull();
            assertThat(all).extracting(ReplayBuffer.Entry::seq).isSorted();
        }
        assertThat(buffer.peakBytes()).isLessThanOrEqualTo(maxBytes);
        assertThat(buffer.peakEvents()).isLessThanOrEqualTo(maxEvents);
    }

    /**
     * Adds and acknowledgements in any order leave the buffer exactly as the plainest buffer would: a deque of entries,
     * each add appended and the oldest evicted while either bound is passed. The ring's wrap-around, growth and release
     * are what this exercises (bounds up to 50 events, acknowledgements that empty it and start it again).
     */
    @Property
    void behavesAsADequeOfEntries(@ForAll("steps") List<Integer> steps,
                                  @ForAll @IntRange(min = 1, max = 50) int maxEvents,
                                  @ForAll @IntRange(min = 100, max = 20_000) int maxBytes) {
        ReplayBuffer buffer = new ReplayBuffer(maxEvents, maxBytes);
        ArrayDeque<ReplayBuffer.Entry> model = new ArrayDeque<>();
        long modelBytes = 0;
        long seq = 0;
        for (int step : steps) {
            if (step >= 0) { // an add of a body of `step` bytes
                ReplayBuffer.Entry entry = new ReplayBuffer.Entry(++seq, "MESSAGE_CREATE", new byte[step]);
                int evicted;
                if (entry.size() > maxBytes) {
                    evicted = model.size() + 1;
                    model.clear();
                    modelBytes = 0;
                } else {
                    model.addLast(entry);
                    modelBytes += entry.size();
                    evicted = 0;
                    while (model.size() > maxEvents || modelBytes > maxBytes) {
                        modelBytes -= model.removeFirst().size();
                        evicted++;
                    }
                }
                assertThat(buffer.add(entry.seq(), entry.event(), entry.data())).isEqualTo(evicted);
            } else { // an acknowledgement of all but the last -step - 1 dispatches
                long upTo = Math.max(0, seq + step + 1);
                while (!model.isEmpty() && model.peekFirst().seq() <= upTo) {
                    modelBytes -= model.removeFirst().size();
                }
                buffer.dropUpTo(upTo);
            }
            assertThat(buffer.events()).isEqualTo(model.size());
            assertThat(buffer.bytes()).isEqualTo(modelBytes);
            assertThat(buffer.entries()).containsExactlyElementsOf(new ArrayList<>(model));
            long oldest = model.isEmpty() ? seq : model.peekFirst().seq() - 1;
            List<ReplayBuffer.Entry> all = buffer.after(oldest, seq);
            assertThat(all).isNotNull().containsExactlyElementsOf(new ArrayList<>(model));
        }
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 3000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-20, -1))).list().ofMaxSize(400);
    }
}
