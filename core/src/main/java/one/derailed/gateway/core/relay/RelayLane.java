package one.derailed.gateway.core.relay;

import java.util.concurrent.atomic.AtomicLongArray;
import one.derailed.gateway.core.session.Handout;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.core.session.SessionDirectory;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RelayLane hands messages to its share of a node's sessions: the {@link Relay} gives every session one lane for
 * good, so whatever reaches a session through its lane keeps the order the relay received it in, while the lanes
 * of one relay work on different cores. After each message the lane counts it in {@code finished}, so that the
 * relay knows when nothing of this lane's is still on its way.
 */
final class RelayLane extends AbstractBehavior<RelayLane.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLane.class);

    sealed interface Command {}

    /** Hand {@code message} to each session numbered in {@code sessions}, in that order. */
    record Hand(long[] sessions, SessionProtocol.Command message) implements Command, NoSerializationVerificationNeeded {}

    /** A lane resumes after a failure (its count stays right); stopping would leave its sessions unreachable. */
    static Behavior<Command> create(SessionDirectory directory, AtomicLongArray finished, int index) {
        return Behaviors.supervise(Behaviors.<Command>setup(context -> new RelayLane(context, directory, finished,
                index))).onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.resume());
    }

    private final SessionDirectory directory;
    private final AtomicLongArray finished;
    private final int index;
    private long handled;
    private long departed;

    private RelayLane(ActorContext<Command> context, SessionDirectory directory, AtomicLongArray finished,
                      int index) {
        super(context);
        this.directory = directory;
        this.finished = finished;
        this.index = index;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Hand.class, this::onHand)
                .build();
    }

    private Behavior<Command> onHand(Hand hand) {
        try {
            departed += handOut(directory, hand.sessions(), hand.message());
        } finally {
            // Release: a relay that reads this count also sees every hand-out above in its loop's queue or mailbox.
            finished.setRelease(Relay.finishedSlot(index), ++handled);
        }
        if (departed >= 10_000) {
            LOG.debug("{} messages for sessions that had already ended", departed);
            departed = 0;
        }
        return this;
    }

    /**
     * Hands {@code message} to the sessions numbered in {@code numbers} ({@link Handout}: one task per event loop);
     * returns how many had ended. A session that ended while the message was on its way is not an error: its
     * unsubscribe is on its way too.
     */
    static int handOut(SessionDirectory directory, long[] numbers, SessionProtocol.Command message) {
        return Handout.handOut(directory, numbers, message);
    }
}
