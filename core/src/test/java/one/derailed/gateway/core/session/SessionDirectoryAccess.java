package one.derailed.gateway.core.session;

import org.apache.pekko.actor.typed.ActorRef;

/** SessionDirectoryAccess lets tests and benchmarks outside this package register stand-in session actors. */
public final class SessionDirectoryAccess {
    private SessionDirectoryAccess() {}

    /** Registers {@code session} under {@code number} (and a session_id derived from it). */
    public static void register(SessionDirectory directory, long number, ActorRef<SessionProtocol.Command> session) {
        directory.add(new SessionDirectory.SessionIdentity(number, "bench-" + number), session);
    }
}
