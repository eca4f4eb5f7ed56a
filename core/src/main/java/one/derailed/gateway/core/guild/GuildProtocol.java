package one.derailed.gateway.core.guild;

import java.util.List;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.renewal.RenewalLog;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * GuildProtocol is what a guild's entity accepts, from sessions (through Cluster Sharding, by guild id), from the
 * ingress, and from its own earlier incarnation. Sessions are named by their node's relay and their number there.
 */
public final class GuildProtocol {
    private GuildProtocol() {}

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Guild");

    public interface Command extends CborSerializable {}

    /**
     * A session wants this guild's events; {@code member} is its member object, encoded. With {@code renews} (the
     * incarnation it had, 0 for a first subscription) it renews a subscription an earlier incarnation of this guild
     * held: the client has the guild already, so it gets no GUILD_CREATE, others see no presence change, and it gets
     * whatever this incarnation sent out since that one stopped.
     */
    public record Subscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId, int intents,
                            byte[] member, String joinedAt, Presence presence, int largeThreshold, long renews)
            implements Command {
        public boolean renewal() {
            return renews != 0;
        }
    }

    /**
     * A session moved to another node ({@code newRelay}, {@code newSession}): it takes the old one's place, and the
     * old node hears {@link RelayProtocol.Drained} after the last event sent there, so the session can put the
     * events it got through either node in order. {@code incarnation} is the incarnation the session had.
     */
    public record Move(ActorRef<RelayProtocol.Command> relay, long session, ActorRef<RelayProtocol.Command> newRelay,
                       long newSession, long userId, int intents, long incarnation) implements Command {}

    public record Unsubscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId)
            implements Command {}

    /** A session's user changed presence (op 3). */
    public record UpdatePresence(ActorRef<RelayProtocol.Command> relay, long session, long userId, Presence presence)
            implements Command {}

    /** The presences of those of {@code userIds} who are visibly online here (for op 8). */
    public record GetPresences(long[] userIds, ActorRef<Presences> replyTo) implements Command {}

    /** Each element is a PRESENCE_UPDATE-shaped presence object, encoded. */
    public record Presences(List<byte[]> presences) implements CborSerializable {}

    /**
     * An event for every subscriber allowed to see it; answered once handed to the nodes. A publish with an
     * {@code idempotencyKey} seen recently is answered as before and not sent again.
     */
    public record Publish(String event, byte[] data, String idempotencyKey, ActorRef<PublishAck> replyTo)
            implements Command {}

    /** The answer to a Publish: accepted (sent, or sent before under the same key), or refused and not sent. */
    public record PublishAck(boolean accepted, String reason) implements CborSerializable {
        public static final PublishAck ACCEPTED = new PublishAck(true, null);

        public static PublishAck refused(String reason) {
            return new PublishAck(false, reason);
        }
    }

    public record GetInfo(ActorRef<Info> replyTo) implements Command {}

    public record Info(int presences, boolean available) implements CborSerializable {}

    /** Cluster Sharding moves this guild to another node: hand over to the next incarnation, then stop. */
    public enum HandOff implements Command { INSTANCE }

    /**
     * From the incarnation {@code from} that handed off, to the next one: what it sent out that renewing sessions may
     * still miss, and the idempotency keys it answered recently.
     */
    public record Handover(long from, RenewalLog.Carried<LoggedEvent> log, List<String> recentKeys)
            implements Command {}

    /**
     * One event a guild sent out, as its renewal log keeps it: who may see it ({@code requiredIntent}, not
     * {@code excludedUser}), whether its content depends on MESSAGE_CONTENT, and for a removal, whose membership
     * ended ({@code removedUser}).
     */
    public record LoggedEvent(String event, byte[] data, int requiredIntent, long excludedUser,
                              boolean messageContent, long removedUser) implements CborSerializable {
        int sizeBytes() {
            return data.length + event.length() + 64;
        }
    }
}
