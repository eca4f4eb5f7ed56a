package one.derailed.gateway.core.session;

import java.time.Duration;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detached is a serving session whose socket is gone: it stays subscribed (its user stays online), numbers and keeps
 * what it is sent, and waits for a RESUME for the resume window. It ends when the window passes, or as soon as its
 * replay buffer would have to drop something (an exact resume is then impossible).
 */
final class Detached extends Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Detached.class);

    Detached(SessionState state, Duration window) {
        super(state);
        state.timers.startSingleTimer(SessionSignals.ResumeWindowOver.INSTANCE, window);
    }

    @Override
    Behavior<Command> onOwn(Command command) {
        return switch (command) {
            case SessionSignals.ResumeWindowOver over -> {
                LOG.debug("session {} ends: resume window over", state.sessionId());
                yield Behaviors.stopped();
            }
            case SessionProtocol.Reclaim reclaim -> {
                LOG.debug("session {} ends: the node is over its client-bytes bound while the "
                        + "client is away", state.sessionId());
                state.services.metrics().sessionEnded("reclaimed");
                yield Behaviors.stopped();
            }
            // Frames of a socket that is not the session's any more: a zombie cannot act after a takeover.
            case SessionProtocol.FromClient frame -> this;
            case SessionProtocol.Acknowledged acknowledged -> this;
            case SessionProtocol.ConnectionClosed closed -> this;
            default -> null;
        };
    }
}
