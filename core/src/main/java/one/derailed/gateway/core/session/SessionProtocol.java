package one.derailed.gateway.core.session;

import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * SessionProtocol is what a Session hears from its socket and from its node. What guilds and users send it is
 * {@link Delivery}; how it moves between nodes is {@link MoveProtocol}.
 */
public final class SessionProtocol {
    private SessionProtocol() {}

    /** Everything a Session handles. */
    public interface Command {}

    /** A decoded frame from the client on {@code connection}. */
    public record FromClient(Connection connection, ClientPayload payload)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * A socket of this session is gone. {@code closeCode} is the code of the close; {@code byClient} says whether the
     * client sent it (1006 for a drop) or the server did.
     */
    public record ConnectionClosed(Connection connection, int closeCode, boolean byClient)
            implements Command, NoSerializationVerificationNeeded {}

    /** The client on {@code connection} says in a heartbeat that it has every dispatch up to {@code seq}. */
    public record Acknowledged(Connection connection, long seq)
            implements Command, NoSerializationVerificationNeeded {}

    /** A client asks, on {@code connection}, to resume this session (op 6). */
    public record Resume(Connection connection, ClientPayload.Resume resume)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * The node holds more for its clients than its bound and closing slow sockets did not cover it: a session whose
     * client is away gives up its replay buffer and ends (a later RESUME gets op 9); a connected one carries on.
     */
    public enum Reclaim implements Command, NoSerializationVerificationNeeded { INSTANCE }

    /**
     * The node is leaving and this session could not move to another: it ends now, unsubscribing and detaching while
     * its guilds and user are still here to hear it (their shards are handed off next), rather than with the actor
     * system, after them.
     */
    public enum EndWithNode implements Command, NoSerializationVerificationNeeded { INSTANCE }

    /** Asks for the replay buffer's accounting. */
    public record GetBufferStats(ActorRef<BufferStats> replyTo)
            implements Command, NoSerializationVerificationNeeded {}

    /** The replay buffer's accounting; {@code peakBytes} never passes {@code maxBytes}. */
    public record BufferStats(int events, long bytes, int peakEvents, long peakBytes, int maxEvents, long maxBytes,
                              long evicted, boolean connected) {}

    /** An operator asks what this session is (the admin page's lookup); a session past READY answers. */
    public record Describe(ActorRef<SessionDescription> replyTo)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * An operator closes this session's socket with {@code code} ({@code reason} reaches the client): a code that
     * forbids resuming also ends the session, connected or not; a resumable one leaves it waiting for a RESUME.
     */
    public record Disconnect(CloseCode code, String reason) implements Command, NoSerializationVerificationNeeded {}

    /** An operator tells this session's client to reconnect: op 7, then a resumable close (4000), as a leave does. */
    public enum Reconnect implements Command, NoSerializationVerificationNeeded { INSTANCE }
}
