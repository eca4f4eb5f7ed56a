package one.derailed.gateway.core.session;

import one.derailed.gateway.protocol.ClientPayload;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * SessionLauncher starts the Session of a socket that identified. It is called from socket threads and returns the
 * session at once, so the socket can hand it every later frame without waiting.
 */
public final class SessionLauncher {
    private final ActorSystem<?> system;
    private final Session.Services services;

    public SessionLauncher(ActorSystem<?> system, Session.Services services) {
        this.system = system;
        this.services = services;
    }

    public ActorRef<Session.Command> identify(Connection connection, ClientPayload.Identify identify) {
        SessionDirectory.SessionIdentity identity = services.directory().newIdentity();
        // systemActorOf is the typed API's synchronous spawn from outside an actor; sessions never wait for a parent.
        return system.systemActorOf(Session.create(services, identity, connection, identify),
                "session-" + identity.number(), Props.empty());
    }

    public SessionDirectory directory() {
        return services.directory();
    }
}
