package one.derailed.gateway.core.session;

import one.derailed.gateway.protocol.ClientPayload;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import one.derailed.gateway.core.config.GatewaySettings;

/**
 * SessionLauncher starts the Session of a socket that identified. It is called from socket threads and returns the
 * session at once, so the socket can hand it every later frame without waiting.
 */
public final class SessionLauncher {
    /** Sessions' mailboxes count what waits in them into the node's client bytes (derailed.conf). */
    public static final MailboxSelector MAILBOX = MailboxSelector.fromConfig("derailed-session-mailbox");

    private final ActorSystem<?> system;
    private final SessionServices services;
    private final ActorRef<HandoffProtocol.Command> handoff;
    private final GatewaySettings.Handoff handoffSettings;
    private final SocketLoopDispatchers loops;

    public SessionLauncher(ActorSystem<?> system, SessionServices services, GatewaySettings.Handoff handoffSettings) {
        this.system = system;
        this.services = services;
        this.handoffSettings = handoffSettings;
        this.loops = new SocketLoopDispatchers(system, services.settings().onSocketLoop());
        this.handoff = system.systemActorOf(SessionHandoff.create(services, handoffSettings.locateTimeout()),
                "session-handoff", Props.empty());
    }

    /**
     * The session a client resumes: this node's, or one moved here from the node that had it; null (completed) when
     * none has it or its owner refused the token. The hand-off answers within the locate timeout, or the move timeout
     * after a session said it is coming; the ask's own timeout only guards against a lost answer.
     */
    public CompletionStage<ActorRef<SessionProtocol.Command>> locate(String sessionId, String token) {
        ActorRef<SessionProtocol.Command> local = services.directory().bySessionId(sessionId);
        if (local != null) {
            return CompletableFuture.completedFuture(local);
        }
        return AskPattern.<HandoffProtocol.Command, HandoffProtocol.Located>ask(handoff,
                        replyTo -> new HandoffProtocol.Locate(sessionId, token, replyTo),
                        handoffSettings.longestClaim().plusSeconds(1),
                        system.scheduler())
                .handle((located, failure) -> failure == null ? located.session() : null);
    }

    /**
     * Moves every session on this node to the other nodes; those that could not move end (unsubscribing while their
     * guilds are still here). Completes with how many could not move.
     */
    public CompletionStage<Integer> evacuate() {
        Duration deadline = handoffSettings.evacuateDeadline();
        return AskPattern.<HandoffProtocol.Command, HandoffProtocol.Evacuated>ask(handoff,
                        replyTo -> new HandoffProtocol.Evacuate(deadline, replyTo),
                        deadline.plus(SessionHandoff.END_WAIT).plusSeconds(1),
                        system.scheduler())
                .handle((evacuated, failure) -> failure == null ? evacuated.remaining()
                        : services.directory().size());
    }

    public ActorRef<SessionProtocol.Command> identify(Connection connection, ClientPayload.Identify identify) {
        SessionDirectory.SessionIdentity identity = services.directory().newIdentity();
        // systemActorOf is the typed API's synchronous spawn from outside an actor; sessions never wait for a parent.
        // The session runs on its socket's event loop, so its writes need no hop (SocketLoopDispatchers).
        return system.systemActorOf(Session.create(services, identity, connection, identify),
                "session-" + identity.number(), loops.forConnection(connection, MAILBOX));
    }

    public SessionDirectory directory() {
        return services.directory();
    }
}
