package one.derailed.gateway.core.session;

import java.util.Arrays;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.ServerFrames;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OperatorControls is what a serving session does for an operator (the admin API, core/admin/NodeAdmin): describe
 * itself, close its socket with a chosen code, tell its client to reconnect. A session still identifying or moving
 * does not take them; the admin shows it did not answer.
 */
final class OperatorControls {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorControls.class);
    private OperatorControls() {}

    static Behavior<Command> describe(SessionState state, Serving phase, SessionProtocol.Describe describe) {
        long[] guilds = state.guilds.ids();
        describe.replyTo().tell(new SessionDescription(state.sessionId(), state.number(), state.userId,
                phase instanceof Live ? "live" : "detached", state.connection != null, state.numbering.seq(),
                state.shardId, state.shardCount, state.intents, state.presence.status(), guilds.length,
                Arrays.copyOf(guilds, Math.min(guilds.length, SessionDescription.LISTED_GUILDS))));
        return phase;
    }

    /**
     * Closes the socket with the operator's code. A code the client may not resume after ends the session now, so a
     * later RESUME gets op 9, whether or not the client is connected; after a resumable one the session waits for it.
     */
    static Behavior<Command> disconnect(SessionState state, Serving phase, SessionProtocol.Disconnect disconnect) {
        LOG.info("session {} of user {}: an operator closes it with {}", state.sessionId(),
                state.userId, disconnect.code().code());
        if (!disconnect.code().resumable()) {
            state.services.metrics().sessionEnded("operator");
            return state.closeWith(disconnect.code(), disconnect.reason());
        }
        if (state.connection != null) {
            state.connection.close(disconnect.code(), disconnect.reason());
        }
        return phase;
    }

    static Behavior<Command> reconnect(SessionState state, Serving phase) {
        if (state.connection != null) {
            state.connection.send(ServerFrames.RECONNECT);
            state.connection.close(one.derailed.gateway.protocol.CloseCode.UNKNOWN_ERROR,
                    "an operator asked this node's clients to reconnect: resume");
        }
        return phase;
    }
}
