package one.derailed.gateway.core.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * Delivery is what guilds and users send a session, always through the relay of the session's node, so that a
 * session sees each source's messages in the order the source sent them. Deliveries stay on their node; a session
 * that moved gets the ones that still reached its old node passed on, wrapped in {@link SessionProtocol.Handed}, which
 * is why they carry their type when serialized.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({@JsonSubTypes.Type(value = Delivery.Dispatch.class, name = "dispatch"),
        @JsonSubTypes.Type(value = Delivery.GuildAvailable.class, name = "guild-available"),
        @JsonSubTypes.Type(value = Delivery.GuildGone.class, name = "guild-gone"),
        @JsonSubTypes.Type(value = Delivery.GuildDown.class, name = "guild-down"),
        @JsonSubTypes.Type(value = Delivery.JoinGuild.class, name = "join-guild"),
        @JsonSubTypes.Type(value = Delivery.Resubscribe.class, name = "resubscribe"),
        @JsonSubTypes.Type(value = Delivery.Reattach.class, name = "reattach"),
        @JsonSubTypes.Type(value = Delivery.UserAttached.class, name = "user-attached"),
        @JsonSubTypes.Type(value = Delivery.Drained.class, name = "drained"),
        @JsonSubTypes.Type(value = Delivery.Lost.class, name = "lost"),
        @JsonSubTypes.Type(value = Delivery.SourceGap.class, name = "source-gap"),
        @JsonSubTypes.Type(value = Delivery.Revoked.class, name = "revoked")})
public sealed interface Delivery extends SessionProtocol.Command, NoSerializationVerificationNeeded {

    /** An event to number and send; {@code data} is shared with every other recipient. */
    record Dispatch(String event, byte[] data) implements Delivery {}

    /**
     * A guild took this session's subscription: {@code guildCreate} is what the client gets (null when it has the
     * guild already); with {@code resync} it first gets GUILD_DELETE unavailable, because some events may be missing.
     */
    record GuildAvailable(long guildId, long incarnation, byte[] guildCreate, boolean resync) implements Delivery {}

    /** A guild dropped this session: the user left it ({@code unavailable} false), or it cannot serve it now. */
    record GuildGone(long guildId, boolean unavailable) implements Delivery {}

    /**
     * The guild cannot serve this session now: a client that had it hears it is unavailable. With {@code retry} the
     * session asks again later; without, the guild answers when it can.
     */
    record GuildDown(long guildId, boolean retry) implements Delivery {}

    /** The user joined a guild: subscribe to it. {@code member} is the encoded member object, or null to load it. */
    record JoinGuild(long guildId, byte[] member) implements Delivery {}

    /** The guild's incarnation {@code incarnation} this session had is gone: renew with the next one, quietly. */
    record Resubscribe(long guildId, long incarnation) implements Delivery {}

    /** The user's entity incarnation {@code incarnation} this session attached to is gone: attach to the next one. */
    record Reattach(long incarnation) implements Delivery {}

    /** The user's entity (incarnation {@code incarnation}) took this session's attach. */
    record UserAttached(long incarnation) implements Delivery {}

    /** The guild or user {@code source} sends nothing more to this session's old node. */
    record Drained(long source) implements Delivery {}

    /**
     * Messages from guild ({@code guild}) or user {@code id} to this node were lost on the way: a session subscribed to
     * that guild gets it whole again; a session of that user ends.
     */
    record SourceGap(boolean guild, long id) implements Delivery {}

    /** The user may no longer connect (the API revoked their sessions): close with 4004 and end. */
    record Revoked() implements Delivery {
        public static final Revoked INSTANCE = new Revoked();
    }

    /** Something meant for this session could not be handed to it: it cannot go on exactly, and ends. */
    record Lost(String reason) implements Delivery {}
}
