package one.derailed.gateway.core.session;

import java.util.ArrayList;
import java.util.List;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.ServerFrames;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MovingAway is a session's old incarnation while it moves to another node: it has sent its snapshot, and passes on,
 * in the order they came, whatever still reaches it here ({@link MoveProtocol.Handed}), drain markers included, until
 * every guild and the user that held it has drained and its op 8 requests have answered; then it stops without
 * unsubscribing (the new incarnation took its places). If the move fails before anything was handed over, it is the
 * session again, waiting for a resume.
 */
final class MovingAway extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(MovingAway.class);
    private final SessionState state;
    private final List<Delivery> held = new ArrayList<>();
    private ActorRef<Command> movedTo;
    /** The guilds and the user whose drain marker has not come yet: each passes it once (a Move sent again
     *  brings a second). */
    private final java.util.Set<Long> toDrain = new java.util.HashSet<>();

    MovingAway(SessionState state, ActorRef<HandoffProtocol.Command> target) {
        super(state.context);
        this.state = state;
        state.live = false;
        if (state.connection != null) {
            state.connection.close(CloseCode.UNKNOWN_ERROR, "this session was resumed on another connection");
            state.connection = null;
        }
        List<MoveProtocol.CarriedGuild> guilds = state.guilds.carry();
        guilds.stream().filter(MoveProtocol.CarriedGuild::held).forEach(guild -> toDrain.add(guild.guildId()));
        toDrain.add(state.userId);
        state.timers.cancel(SessionSignals.ResumeWindowOver.INSTANCE);
        state.timers.startSingleTimer(SessionSignals.HandoffTimedOut.INSTANCE,
                state.services.settings().handoff().moveTimeout());
        target.tell(new MoveProtocol.Adopt(new MoveProtocol.Snapshot(state.sessionId(), state.userId, state.intents,
                state.presence, state.largeThreshold, state.shardId, state.shardCount, guilds,
                state.userIncarnation, state.numbering.seq(), state.numbering.entries(),
                state.services.settings().resumeTimeout().toMillis(), state.services.relay(), state.number(),
                state.context.getSelf())));
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        return switch (command) {
            case Delivery delivery -> movedTo == null ? hold(delivery) : passOn(delivery);
            case MoveProtocol.AdoptedBy adopted -> onAdoptedBy(adopted);
            case MoveProtocol.AdoptionFailed failed -> movedTo == null ? stay(failed.reason()) : this;
            case SessionSignals.HandoffTimedOut timedOut -> movedTo == null ? stay("the target node did not answer")
                    : end("moved, but some sources never drained");
            case SessionSignals.MemberRequestDone done -> {
                state.memberRequests--;
                yield toDrain.isEmpty() && state.memberRequests == 0 ? end("moved to " + movedTo.path().address())
                        : this;
            }
            case SessionProtocol.Resume resume -> {
                LOG.debug("session {}: resume refused (moving away)", state.sessionId());
                resume.connection().send(ServerFrames.invalidSession(false));
                state.services.metrics().invalidSession();
                yield this;
            }
            case MoveProtocol.MoveTo move -> {
                move.target().tell(new MoveProtocol.Refused(state.sessionId(), true));
                yield this;
            }
            // A claim whose token check ended after this session began to move elsewhere (its node is leaving, or
            // another claim came first): the claimant, told "busy", claims again and finds the session where it
            // went. Unanswered, it would wait out its locate timeout and tell its client op 9.
            case SessionSignals.MoveChecked late -> {
                late.request().target().tell(new MoveProtocol.Refused(state.sessionId(), true));
                yield this;
            }
            case SessionProtocol.GetBufferStats get -> {
                get.replyTo().tell(state.numbering.stats(false));
                yield this;
            }
            default -> this;
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            state.stopped();
        }
        return this;
    }

    private Behavior<Command> hold(Delivery delivery) {
        held.add(delivery);
        return this;
    }

    private Behavior<Command> onAdoptedBy(MoveProtocol.AdoptedBy adopted) {
        if (movedTo != null) {
            return this;
        }
        movedTo = adopted.session();
        state.handedOver = true;
        Behavior<Command> next = this;
        for (Delivery waiting : held) {
            next = passOn(waiting);
        }
        held.clear();
        return next;
    }

    private Behavior<Command> passOn(Delivery delivery) {
        movedTo.tell(new MoveProtocol.Handed(delivery));
        if (delivery instanceof Delivery.Drained drained && toDrain.remove(drained.source()) && toDrain.isEmpty()
                && state.memberRequests == 0) {
            return end("moved to " + movedTo.path().address());
        }
        return this;
    }

    /** The move failed before anything was handed over: this incarnation is the session again. */
    private Behavior<Command> stay(String reason) {
        LOG.info("session {} stays: {}", state.sessionId(), reason);
        state.timers.cancel(SessionSignals.HandoffTimedOut.INSTANCE);
        Serving back = new Detached(state, state.services.settings().resumeTimeout());
        Behavior<Command> next = back;
        for (Delivery waiting : held) {
            next = back.apply(waiting);
            if (next != back) {
                break;
            }
        }
        held.clear();
        return next;
    }

    private Behavior<Command> end(String why) {
        LOG.debug("session {} ends here: {}", state.sessionId(), why);
        return Behaviors.stopped();
    }
}
