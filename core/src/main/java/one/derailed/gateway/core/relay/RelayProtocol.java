package one.derailed.gateway.core.relay;

import one.derailed.gateway.core.CborSerializable;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * RelayProtocol is what a node's relay accepts from the guilds and users that serve the node's sessions. Every
 * message names its recipients by their node-local session number; the relay turns each into the session's
 * {@link one.derailed.gateway.core.session.Delivery} and hands it over in the order the relay received it.
 *
 * <p>Upstream entities appear here as {@code ActorRef<?>}: the relay only watches them, so it depends on no entity's
 * protocol.
 */
public final class RelayProtocol {
    private RelayProtocol() {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({@JsonSubTypes.Type(value = Deliver.class, name = "deliver"),
            @JsonSubTypes.Type(value = Subscribed.class, name = "subscribed"),
            @JsonSubTypes.Type(value = Attached.class, name = "attached"),
            @JsonSubTypes.Type(value = Resubscribe.class, name = "resubscribe"),
            @JsonSubTypes.Type(value = Drained.class, name = "drained"),
            @JsonSubTypes.Type(value = Forget.class, name = "forget"),
            @JsonSubTypes.Type(value = Join.class, name = "join"),
            @JsonSubTypes.Type(value = GuildDown.class, name = "guild-down"),
            @JsonSubTypes.Type(value = Unsubscribed.class, name = "unsubscribed"),
            @JsonSubTypes.Type(value = Revoke.class, name = "revoke"),
            @JsonSubTypes.Type(value = Sequenced.class, name = "sequenced")})
    public interface Command extends CborSerializable {}

    /**
     * {@code message} from the incarnation {@code source} of guild (user, without {@code guild}) {@code id}, the
     * {@code seq}-th it sent this relay ({@link RelayLink}): a number missing means a message was lost on the way.
     */
    public record Sequenced(ActorRef<?> source, boolean guild, long id, long seq, Command message)
            implements Command {}

    /** An event for the sessions numbered {@code sessions}; {@code data} is the shared JSON of {@code d}. */
    public record Deliver(long[] sessions, String event, byte[] data) implements Command {}

    /**
     * A guild took a session's subscription. {@code incarnation} names the guild's incarnation (the relay watches
     * {@code guild} for the session and, when it stops, has the session renew with the next one). {@code guildCreate}
     * is the session's GUILD_CREATE, or null for a renewed or moved subscription (the client has the guild); with
     * {@code resync} the client first hears the guild was unavailable, because the guild cannot tell what it missed.
     */
    public record Subscribed(long session, long guildId, long incarnation, byte[] guildCreate, boolean resync,
                             ActorRef<?> guild) implements Command {}

    /** The user's entity took the session's attach; the relay watches {@code user} for it. */
    public record Attached(long session, long userId, long incarnation, ActorRef<?> user) implements Command {}

    /**
     * The sessions must subscribe to the guild again, quietly: the incarnation they had ({@code incarnation}) is
     * gone, or the one they reached does not know them.
     */
    public record Resubscribe(long[] sessions, long guildId, long incarnation) implements Command {}

    /**
     * The guild or user {@code source} sends nothing more to {@code session} on this node: the session moved to
     * another node, and this marker, behind everything sent here before, tells it so.
     */
    public record Drained(long session, long source) implements Command {}

    /** A session ended or moved away: it needs no watching of its guilds and user any more. */
    public record Forget(long session, long[] guilds, long userId) implements Command {}

    /** The sessions' user joined a guild: they subscribe to it. {@code member} may be null (they load it). */
    public record Join(long[] sessions, long guildId, byte[] member) implements Command {}

    /**
     * The guild cannot serve these sessions now (its store is down, or it is loading and full). With {@code retry}
     * their subscription was not kept and they must ask again later; without, the guild keeps it and answers when it
     * can, with a whole GUILD_CREATE.
     */
    public record GuildDown(long[] sessions, long guildId, boolean retry) implements Command {}

    /** The sessions' user may no longer connect (the API revoked their sessions): they close with 4004 and end. */
    public record Revoke(long[] sessions) implements Command {}

    /** The sessions no longer receive this guild's events; {@code unavailable} false means the user left it. */
    public record Unsubscribed(long[] sessions, long guildId, boolean unavailable) implements Command {}
}
