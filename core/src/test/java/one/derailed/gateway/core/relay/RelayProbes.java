package one.derailed.gateway.core.relay;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * RelayProbes stands in for a node's relay in entity tests: entities number what they send a relay
 * ({@link RelayLink}); the stand-in checks the numbers run without a gap and hands the probe what is inside.
 */
public final class RelayProbes {
    private RelayProbes() {}

    /** A relay ref that unwraps what entities send it into {@code probe}, failing the test on a gap. */
    public static ActorRef<RelayProtocol.Command> unwrapping(ActorTestKit kit, TestProbe<RelayProtocol.Command> probe) {
        java.util.Map<ActorRef<?>, Long> last = new java.util.HashMap<>();
        return kit.spawn(Behaviors.receiveMessage(message -> {
            if (message instanceof RelayProtocol.Sequenced sequenced) {
                Long before = last.put(sequenced.source(), sequenced.seq());
                if (before != null && sequenced.seq() != before + 1) {
                    throw new AssertionError("gap on the link from " + sequenced.source() + ": " + before + " then "
                            + sequenced.seq());
                }
                probe.getRef().tell(sequenced.message());
            } else {
                probe.getRef().tell(message);
            }
            return Behaviors.same();
        }));
    }
}
