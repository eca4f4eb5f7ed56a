package one.derailed.gateway.core.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.ServerFrames;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arriving is a session's new incarnation, started from the snapshot its old node sent. It takes the old one's place
 * in each guild that held it and in its user ({@code Move}); each sends the old node a drain marker behind everything
 * it sent there. What the old incarnation passes on ({@link MoveProtocol.Handed}) is applied at once; what comes here
 * directly waits until every marker has come, so that, per source, everything sent through the old node comes first.
 * A resume waits too. A Move may be lost (Cluster Sharding drops what it buffered for a shard that a leaving node
 * hands off): those whose marker has not come are sent again every third of the move timeout, and a second marker
 * from a source counts once. Markers missing after the move timeout (the old node died mid-move) end the session
 * rather than let it resume with a gap.
 */
final class Arriving extends Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Arriving.class);
    private final List<Delivery> held = new ArrayList<>();
    private final List<SessionProtocol.Resume> resumes = new ArrayList<>();
    private final Duration window;
    private final MoveProtocol.Snapshot snapshot;
    /** The guilds (by id, with the incarnation the snapshot names) and the user whose drain marker has not come. */
    private final java.util.Map<Long, Long> guildsToDrain = new java.util.HashMap<>();
    private boolean userToDrain = true;

    Arriving(SessionState state, MoveProtocol.Snapshot snapshot) {
        super(state);
        state.userId = snapshot.userId();
        state.intents = snapshot.intents();
        state.presence = snapshot.presence();
        state.largeThreshold = snapshot.largeThreshold();
        state.shardId = snapshot.shardId();
        state.shardCount = snapshot.shardCount();
        state.userIncarnation = snapshot.userIncarnation();
        state.numbering.restore(snapshot.seq(), snapshot.replay());
        state.guilds.restore(snapshot.guilds());
        this.window = Duration.ofMillis(Math.max(1, snapshot.resumeWindowLeftMillis()));
        this.snapshot = snapshot;
        for (MoveProtocol.CarriedGuild guild : snapshot.guilds()) {
            if (guild.held()) {
                guildsToDrain.put(guild.guildId(), guild.incarnation());
            } else {
                state.loadMember(guild.guildId(), guild.clientHas() ? guild.incarnation() : 0);
            }
        }
        sendMoves();
        snapshot.session().tell(new MoveProtocol.AdoptedBy(state.context.getSelf()));
        Duration moveTimeout = state.services.settings().handoff().moveTimeout();
        state.timers.startSingleTimer(SessionSignals.HandoffTimedOut.INSTANCE, moveTimeout);
        state.timers.startTimerWithFixedDelay(SessionSignals.MoveAgain.INSTANCE, moveTimeout.dividedBy(3));
    }

    /** Asks each source not drained yet to put this incarnation in the old one's place. */
    private void sendMoves() {
        guildsToDrain.forEach((guildId, incarnation) -> state.services.guild(guildId).tell(new GuildProtocol.Move(
                snapshot.relay(), snapshot.number(), state.services.relay(), state.number(), state.userId,
                state.intents, incarnation)));
        if (userToDrain) {
            state.services.user(state.userId).tell(new UserProtocol.Move(snapshot.relay(), snapshot.number(),
                    state.attachment(snapshot.userIncarnation())));
        }
    }

    @Override
    Behavior<Command> onOwn(Command command) {
        return switch (command) {
            case MoveProtocol.Handed handed -> handed.delivery() instanceof Delivery.Drained marker
                    ? drained(marker.source()) : apply(handed.delivery());
            case SessionSignals.MoveAgain again -> {
                LOG.debug("session {}: {} guilds and {} user not drained yet; Move again",
                        state.sessionId(), guildsToDrain.size(), userToDrain ? 1 : 0);
                sendMoves();
                yield this;
            }
            case Delivery delivery -> {
                if (held.size() >= state.services.settings().replayMaxEvents()) {
                    yield state.lost("more arrived during the move than its replay buffer holds");
                }
                held.add(delivery);
                yield this;
            }
            case SessionProtocol.Resume resume -> {
                resumes.add(resume);
                yield this;
            }
            case SessionSignals.HandoffTimedOut timedOut -> {
                LOG.warn("session {}: {} sources never drained after the move; it ends",
                        state.sessionId(), guildsToDrain.size() + (userToDrain ? 1 : 0));
                yield state.lost("the session could not be moved in order");
            }
            default -> null;
        };
    }

    /**
     * A session that ends before it could arrive (a source never drained, more came than it can hold) answers the
     * RESUMEs that waited for it with op 9, so their clients identify anew instead of waiting on a silent socket.
     */
    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            for (SessionProtocol.Resume resume : resumes) {
                resume.connection().send(ServerFrames.invalidSession(false));
                state.services.metrics().invalidSession();
            }
            resumes.clear();
        }
        return super.onSignal(signal);
    }

    /**
     * One more source drained (a repeated marker changes nothing); after the last, what waited is applied and the
     * session waits for its client, or moves to the node where its client resumed meanwhile.
     */
    private Behavior<Command> drained(long source) {
        if (guildsToDrain.remove(source) == null && userToDrain && source == state.userId) {
            userToDrain = false;
        }
        if (!guildsToDrain.isEmpty() || userToDrain) {
            return this;
        }
        state.timers.cancel(SessionSignals.HandoffTimedOut.INSTANCE);
        state.timers.cancel(SessionSignals.MoveAgain.INSTANCE);
        Serving detached = new Detached(state, window);
        for (Delivery waiting : held) {
            Behavior<Command> next = detached.apply(waiting);
            if (next != detached) {
                return next;
            }
        }
        held.clear();
        if (resumes.isEmpty()) {
            // A client that resumed on another node meanwhile claimed the session, and its move waited for the
            // session to settle: it has now, and nothing else may come to start the move.
            return detached.afterChange(detached);
        }
        resumes.forEach(resume -> state.context.getSelf().tell(resume));
        return detached;
    }
}
