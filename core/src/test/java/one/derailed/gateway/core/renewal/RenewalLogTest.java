package one.derailed.gateway.core.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The renewal log alone: who renewing from which incarnation missed what, across handovers and bounds. */
class RenewalLogTest {
    private static RenewalLog<String> log(int maxEvents) {
        return new RenewalLog<>(maxEvents, 1 << 20, String::length);
    }

    @Test
    void aSessionFromAnUnknownIncarnationGetsEverythingThisOneSent() {
        RenewalLog<String> log = log(10);
        log.append("a");
        log.append("b");
        assertThat(log.adopted()).isFalse();
        assertThat(log.missedBy(42)).containsExactly("a", "b");
        log.append("c");
        assertThat(log.missedBy(42)).containsExactly("a", "b", "c");
    }

    @Test
    void aHandoverPutsThePredecessorsEventsFirstForSessionsOfOlderIncarnations() {
        RenewalLog<String> first = log(10);
        first.append("p1");
        first.append("p2");
        RenewalLog<String> second = log(10);
        second.append("s1");
        second.adopt(1, first.carry());
        assertThat(second.missedBy(1)).as("a session of the predecessor missed only this one's").containsExactly("s1");
        assertThat(second.missedBy(77)).as("one before it missed the predecessor's too")
                .containsExactly("p1", "p2", "s1");

        RenewalLog<String> third = log(10);
        third.append("t1");
        third.adopt(2, second.carry());
        assertThat(third.missedBy(2)).containsExactly("t1");
        assertThat(third.missedBy(1)).containsExactly("s1", "t1");
        assertThat(third.missedBy(77)).containsExactly("p1", "p2", "s1", "t1");
    }

    @Test
    void theLinesFirstIncarnationsAssumptionCarriesOn() {
        RenewalLog<String> first = log(10);
        first.append("x");
        RenewalLog<String> second = log(10);
        second.adopt(6, first.carry());
        second.append("y");
        assertThat(second.missedBy(6)).containsExactly("y");
        // the first incarnation took an unknown incarnation for its own predecessor, and passed that on
        assertThat(second.missedBy(123)).containsExactly("x", "y");
    }

    @Test
    void aPredecessorWhoseWindowWasOverCannotVouchForTheIncarnationsBeforeIt() {
        RenewalLog<String> first = log(10);
        first.append("x");
        first.close();
        RenewalLog<String> second = log(10);
        second.adopt(6, first.carry());
        second.append("y");
        assertThat(second.missedBy(6)).containsExactly("y");
        assertThat(second.missedBy(123)).isNull();
    }

    @Test
    void evictedEventsMakeTheLogUnableToTell() {
        RenewalLog<String> log = log(3);
        for (String event : List.of("a", "b", "c", "d")) {
            log.append(event);
        }
        assertThat(log.missedBy(9)).as("a session from before 'a' would miss it").isNull();
        RenewalLog<String> next = log(3);
        next.append("e");
        next.adopt(9, log.carry());
        assertThat(next.missedBy(9)).containsExactly("e");
        assertThat(next.missedBy(8)).isNull();
    }

    @Test
    void aSuccessorThatAlreadyEvictedItsOwnStartDropsThePredecessorsEvents() {
        RenewalLog<String> predecessor = log(10);
        predecessor.append("p");
        RenewalLog<String> successor = log(2);
        successor.append("s1");
        successor.append("s2");
        successor.append("s3");
        successor.adopt(1, predecessor.carry());
        assertThat(successor.missedBy(1)).isNull();
        assertThat(successor.size()).isEqualTo(2);
    }

    @Test
    void aClosedLogKeepsAndAnswersNothing() {
        RenewalLog<String> log = log(10);
        log.append("a");
        log.close();
        log.append("b");
        assertThat(log.size()).isZero();
        assertThat(log.missedBy(1)).isNull();
        assertThat(log.carry().entries()).isEmpty();
        assertThat(log.carry().unknownStart()).isNull();
    }

    @Test
    void bytesAreBoundedToo() {
        RenewalLog<String> log = new RenewalLog<>(100, 10, String::length);
        log.append("12345");
        log.append("67890");
        log.append("x");
        assertThat(log.bytes()).isLessThanOrEqualTo(10);
        assertThat(log.size()).isEqualTo(2);
    }
}
