package one.derailed.gateway.core.session;

import java.time.Duration;
import one.derailed.gateway.core.CborSerializable;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * HandoffProtocol is what a node's {@link SessionHandoff} accepts: from its own node (find a session to resume,
 * evacuate), from its peers (claims), and from moving sessions ({@link MoveProtocol}).
 */
public final class HandoffProtocol {
    private HandoffProtocol() {}

    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "session-handoff");

    public interface Command {}

    /** A client on this node resumes {@code sessionId}, which no session here has: find it elsewhere. */
    public record Locate(String sessionId, String token, ActorRef<Located> replyTo)
            implements Command, NoSerializationVerificationNeeded {}

    /** The session, moved here, or null when no node has it (or it refused: wrong token). */
    public record Located(ActorRef<SessionProtocol.Command> session) implements NoSerializationVerificationNeeded {}

    /** From a peer: if the session is here, move it to {@code claimant}'s node. */
    public record Claim(String sessionId, String token, ActorRef<Command> claimant)
            implements Command, CborSerializable {}

    /** From a peer: the claimed session is not there. */
    public record NotHere(String sessionId) implements Command, CborSerializable {}

    /**
     * This node is leaving: move every session it holds to the peers; answered when none is left, or at the deadline.
     */
    public record Evacuate(Duration deadline, ActorRef<Evacuated> replyTo)
            implements Command, NoSerializationVerificationNeeded {}

    /** How many sessions were still here when evacuation ended (0: all moved). */
    public record Evacuated(int remaining) implements NoSerializationVerificationNeeded {}
}
