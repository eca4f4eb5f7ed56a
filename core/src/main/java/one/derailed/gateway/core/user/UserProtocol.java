package one.derailed.gateway.core.user;

import java.util.List;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.renewal.RenewalLog;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * UserProtocol is what a user's entity accepts: its sessions attach and detach, guilds tell it of joins, the
 * ingress publishes user-wide events, and identifies ask it whether a session may start.
 */
public final class UserProtocol {
    private UserProtocol() {}

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "User");

    public interface Command extends CborSerializable {}

    /**
     * A session of the user; {@code intents} decide which direct events it receives, its shard which guilds it
     * joins (user-wide events go to shard 0 only). With {@code renews} (the incarnation it had attached to, 0 for a
     * first attach) it also gets what this incarnation sent out since that one stopped.
     */
    public record Attach(ActorRef<RelayProtocol.Command> relay, long session, int intents, int shardId,
                         int shardCount, long renews) implements Command {}

    /** The user became a member of a guild; {@code member} is the encoded member object, or null to load it. */
    public record JoinedGuild(long guildId, byte[] member) implements Command {}

    public record Detach(ActorRef<RelayProtocol.Command> relay, long session) implements Command {}

    /**
     * A session moved to another node: {@code attach} takes the place of the old one, and the old node hears
     * {@link RelayProtocol.Drained} after everything this user sent there.
     */
    public record Move(ActorRef<RelayProtocol.Command> relay, long session, Attach attach) implements Command {}

    /**
     * An event for every session of the user; answered once handed to the nodes. A publish with an
     * {@code idempotencyKey} seen recently is answered as before and not sent again.
     */
    public record Publish(String event, byte[] data, String idempotencyKey, ActorRef<Delivered> replyTo)
            implements Command {}

    /** The answer to a Publish: how many sessions it went to. */
    public record Delivered(int sessions) implements CborSerializable {}

    /** A session of this user wants to start (IDENTIFY passed the token check); bots are held to max_concurrency. */
    public record StartSession(boolean bot, int shardId, ActorRef<StartAnswer> replyTo) implements Command {}

    /** Whether the session may start; {@code retryAfterMillis} tells a refused one when to try again. */
    public record StartAnswer(StartOutcome outcome, long retryAfterMillis) implements CborSerializable {}

    public enum StartOutcome { STARTED, TOO_FAST, LIMIT_REACHED }

    /** The user's session start budget, as GET /api/v10/gateway/bot reports it. */
    public record GetStartLimit(ActorRef<StartLimit> replyTo) implements Command {}

    public record StartLimit(int total, int remaining, long resetAfterMillis, int maxConcurrency)
            implements CborSerializable {}

    /** An operator asks where the user's sessions are (the admin page's lookup, a disconnect). */
    public record Describe(ActorRef<Sessions> replyTo) implements Command {}

    /** The user's sessions, per node: the node's relay and the sessions' numbers there. */
    public record Sessions(long userId, List<NodeSessions> nodes) implements CborSerializable {}

    public record NodeSessions(ActorRef<RelayProtocol.Command> relay, long[] sessions) implements CborSerializable {}

    /** Cluster Sharding moves this user to another node: hand over to the next incarnation, then stop. */
    public enum HandOff implements Command { INSTANCE }

    /**
     * From the incarnation {@code from} that handed off, to the next: what it sent out that reattaching sessions may
     * still miss, the session starts still counting against the limits, and the idempotency keys it answered lately.
     */
    public record Handover(long from, RenewalLog.Carried<LoggedEvent> log, List<Long> starts,
                           List<String> recentKeys) implements Command {}

    /**
     * One thing the user's entity sent out: an event, with the intent its sessions need for it, or
     * ({@code joinedGuild} not 0) a guild the user joined, with its member object ({@code data}, possibly null).
     */
    public record LoggedEvent(String event, byte[] data, int requiredIntent, long joinedGuild)
            implements CborSerializable {
        int sizeBytes() {
            return (data == null ? 0 : data.length) + (event == null ? 0 : event.length()) + 64;
        }
    }
}
