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

/**
 * Arriving is a session's new incarnation, started from the snapshot its old node sent. It takes the old one's place
 * in each guild that held it and in its user ({@code Move}); each sends the old node a drain marker behind everything
 * it sent there. What the old incarnation passes on ({@link MoveProtocol.Handed}) is applied at once; what comes here
 * directly waits until every marker has come, so that, per source, everything sent through the old node comes first.
 * A resume waits too. Markers missing after the move timeout (the old node died mid-move) end the session rather than
 * let it resume with a gap.
 */
final class Arriving extends Serving {
    private final List<Delivery> held = new ArrayList<>();
    private final List<SessionProtocol.Resume> resumes = new ArrayList<>();
    private final Duration window;
    private int drainsLeft;

    Arriving(SessionState state, MoveProtocol.Snapshot snapshot) {
        super(state);
        state.user = snapshot.user();
        state.intents = snapshot.intents();
        state.presence = snapshot.presence();
        state.largeThreshold = snapshot.largeThreshold();
        state.shardId = snapshot.shardId();
        state.shardCount = snapshot.shardCount();
        state.userIncarnation = snapshot.userIncarnation();
        state.numbering.restore(snapshot.seq(), snapshot.replay());
        state.guilds.restore(snapshot.guilds());
        this.window = Duration.ofMillis(Math.max(1, snapshot.resumeWindowLeftMillis()));
        drainsLeft = 1;
        for (MoveProtocol.CarriedGuild guild : snapshot.guilds()) {
            if (guild.held()) {
                drainsLeft++;
                state.services.guild(guild.guildId()).tell(new GuildProtocol.Move(snapshot.relay(), snapshot.number(),
                        state.services.relay(), state.number(), state.user.id(), state.intents, guild.incarnation()));
            } else {
                state.loadMember(guild.guildId(), guild.clientHas() ? guild.incarnation() : 0);
            }
        }
        state.services.user(state.user.id()).tell(new UserProtocol.Move(snapshot.relay(), snapshot.number(),
                state.attachment(snapshot.userIncarnation())));
        snapshot.session().tell(new MoveProtocol.AdoptedBy(state.context.getSelf()));
        state.timers.startSingleTimer(SessionSignals.HandoffTimedOut.INSTANCE,
                state.services.settings().handoff().moveTimeout());
    }

    @Override
    Behavior<Command> onOwn(Command command) {
        return switch (command) {
            case MoveProtocol.Handed handed -> handed.delivery() instanceof Delivery.Drained ? drained()
                    : apply(handed.delivery());
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
                state.context.getLog().warn("session {}: {} sources never drained after the move; it ends",
                        state.sessionId(), drainsLeft);
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

    /** One more source drained; after the last, what waited is applied and the session waits for its client. */
    private Behavior<Command> drained() {
        if (--drainsLeft > 0) {
            return this;
        }
        state.timers.cancel(SessionSignals.HandoffTimedOut.INSTANCE);
        Serving detached = new Detached(state, window);
        for (Delivery waiting : held) {
            Behavior<Command> next = detached.apply(waiting);
            if (next != detached) {
                return next;
            }
        }
        held.clear();
        resumes.forEach(resume -> state.context.getSelf().tell(resume));
        return detached;
    }
}
