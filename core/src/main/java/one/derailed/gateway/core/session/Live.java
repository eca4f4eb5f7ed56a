package one.derailed.gateway.core.session;

import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live is a serving session with its client connected: the socket's frames (presence, op 8) and heartbeat
 * acknowledgements come here, and dispatches go straight out. When the socket goes, the session ends (the client
 * closed with 1000/1001, or the server with a code that forbids resuming) or waits for a resume ({@link Detached}).
 */
final class Live extends Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Live.class);

    Live(SessionState state) {
        super(state);
    }

    @Override
    Behavior<Command> onOwn(Command command) {
        return switch (command) {
            case SessionProtocol.FromClient frame -> frame.connection() == state.connection ? onFrame(frame) : this;
            case SessionProtocol.Acknowledged acknowledged -> {
                if (acknowledged.connection() == state.connection) {
                    state.numbering.acknowledged(acknowledged.seq());
                }
                yield this;
            }
            case SessionProtocol.ConnectionClosed closed -> closed.connection() == state.connection
                    ? onConnectionClosed(closed) : this;
            default -> null;
        };
    }

    private Behavior<Command> onFrame(SessionProtocol.FromClient frame) {
        switch (frame.payload()) {
            case ClientPayload.PresenceUpdate update -> updatePresence(update);
            case ClientPayload.RequestGuildMembers request -> {
                return MemberRequest.start(state, request, this);
            }
            case ClientPayload.VoiceStateUpdate voice ->
                    LOG.debug("voice state update ignored: this gateway serves no voice");
            default -> LOG.debug("session {} has no handler for {}", state.number(),
                    frame.payload().getClass().getSimpleName());
        }
        return this;
    }

    /** An op 3 that changes nothing is not sent anywhere. */
    private void updatePresence(ClientPayload.PresenceUpdate update) {
        Presence next = state.presence.withStatus(update.status(), update.activitiesJson());
        if (next.equals(state.presence)) {
            return;
        }
        state.presence = next;
        state.guilds.forEach((guildId, subscription) -> {
            if (subscription.stage != Subscriptions.Stage.LOADING_MEMBER
                    && subscription.stage != Subscriptions.Stage.RETRYING) {
                state.services.guild(guildId).tell(new GuildProtocol.UpdatePresence(state.services.relay(),
                        state.number(), state.userId, next));
            }
        });
    }

    /**
     * The session ends when the client closed with 1000/1001 or the server closed with a code that forbids resuming;
     * any other loss (a drop, a resumable close, a zombie) keeps it for the resume window, still subscribed
     * everywhere (so the user stays online) and buffering what it is sent.
     */
    private Behavior<Command> onConnectionClosed(SessionProtocol.ConnectionClosed closed) {
        boolean ends = closed.byClient() ? CloseCode.endsSession(closed.closeCode())
                : !CloseCode.resumableAfterServerClose(closed.closeCode());
        state.connection = null;
        if (ends) {
            return Behaviors.stopped();
        }
        return new Detached(state, state.services.settings().resumeTimeout());
    }
}
