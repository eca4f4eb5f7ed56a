package one.derailed.gateway.core.session;

import java.util.List;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.RelayProtocol;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * MoveProtocol is how a session moves from one node to another, between the session's two incarnations and the
 * nodes' {@link SessionHandoff}s: the old incarnation is told to move ({@link MoveTo}), sends its {@link Snapshot} to
 * the target ({@link Adopt}), hears who took it ({@link AdoptedBy}) and passes on what still reaches it
 * ({@link Handed}) until every source has drained.
 */
public final class MoveProtocol {
    private MoveProtocol() {}

    /**
     * Move this session to the node of {@code target}, because its client asked to resume there with {@code token}
     * (checked first), or, with a null token, because this node is leaving.
     */
    public record MoveTo(ActorRef<HandoffProtocol.Command> target, String token)
            implements SessionProtocol.Command, NoSerializationVerificationNeeded {}

    /** The session's new incarnation, started from its snapshot, is {@code session}: pass deliveries on to it. */
    public record AdoptedBy(ActorRef<SessionProtocol.Command> session)
            implements SessionProtocol.Command, CborSerializable {}

    /** The move did not happen (the target is gone or refused): stay here as before. */
    public record AdoptionFailed(String reason) implements SessionProtocol.Command, CborSerializable {}

    /** A delivery that reached this session's old node, passed on by it after the session moved here. */
    public record Handed(Delivery delivery) implements SessionProtocol.Command, CborSerializable {}

    /**
     * From a claimed session on another node: it took the claim and will move here once settled (its guilds and user
     * still switching over from a move before): the claimant waits up to the move timeout, not the locate timeout.
     */
    public record Coming(String sessionId) implements HandoffProtocol.Command, CborSerializable {}

    /** From a session on another node: start its incarnation here. */
    public record Adopt(Snapshot snapshot) implements HandoffProtocol.Command, CborSerializable {}

    /**
     * From a session on another node: it will not move, because the token did not match, or ({@code busy}) because
     * it is moving already (its node is leaving, or another resume took it): then the claim is made again shortly.
     */
    public record Refused(String sessionId, boolean busy) implements HandoffProtocol.Command, CborSerializable {}

    /**
     * Everything a session is, as it moves to another node: who, what it may receive, where it is subscribed (each
     * guild with the incarnation that serves it) and its numbering and replay buffer, so the client resumes there
     * exactly. {@code relay}, {@code number} and {@code session} name its old place.
     */
    public record Snapshot(String sessionId, long userId, int intents, Presence presence, int largeThreshold,
                           int shardId, int shardCount, List<CarriedGuild> guilds, long userIncarnation,
                           long seq, List<ReplayBuffer.Entry> replay, long resumeWindowLeftMillis,
                           ActorRef<RelayProtocol.Command> relay, long number,
                           ActorRef<SessionProtocol.Command> session) implements CborSerializable {}

    /**
     * One guild of a moving session: the incarnation serving it, whether the client has the guild (had its
     * GUILD_CREATE and no GUILD_DELETE since), and whether that guild holds the old incarnation's subscription (then
     * the new one takes its place there; otherwise the new one subscribes itself).
     */
    public record CarriedGuild(long guildId, long incarnation, boolean clientHas, boolean held)
            implements CborSerializable {}
}
