package one.derailed.gateway.core.session;

import java.util.concurrent.atomic.AtomicReference;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.ClientPayload;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Session is one client session: who the user is, what it may receive, its guilds, and the sequence number of its
 * dispatches. The socket handler only decodes frames and hands them here; everything a client sees after HELLO is
 * decided and numbered by its Session. A Session lives on the node that holds its client's socket.
 *
 * <p>Its phases are behaviours, each handling only what makes sense in it: {@link Identifying} (IDENTIFY to READY),
 * {@link Live} (connected) and {@link Detached} (socket away, waiting for a resume), both {@link Serving};
 * {@link MovingAway} (handing itself to another node) and {@link Arriving} (its new incarnation there). What they
 * share is {@link SessionState}.
 */
public final class Session {
    private Session() {}

    /** A new session for a socket that identified. */
    public static Behavior<Command> create(SessionServices services, SessionDirectory.SessionIdentity identity,
                                           Connection connection, ClientPayload.Identify identify) {
        // Pekko keeps an actor's initial behaviour, and what it captures, for the actor's life: the IDENTIFY (its token
        // and properties, ~0.3 KiB) is taken out once the session has it.
        AtomicReference<ClientPayload.Identify> pending = new AtomicReference<>(identify);
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(
                Identifying.MAX_EARLY_FRAMES, early -> {
                    SessionState state = new SessionState(context, timers, services, identity, connection);
                    return new Identifying(state, pending.getAndSet(null), early);
                })));
    }

    /** The session described by {@code snapshot}, moved here from another node and waiting for its client. */
    public static Behavior<Command> adopt(SessionServices services, SessionDirectory.SessionIdentity identity,
                                          MoveProtocol.Snapshot snapshot) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new Arriving(new SessionState(context, timers, services, identity), snapshot)));
    }
}
