package one.derailed.gateway.core.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.ChannelRecord;
import one.derailed.gateway.store.GuildRecord;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.RoleRecord;
import one.derailed.gateway.store.UserRecord;

/**
 * DiscordObjects renders the store's rows as the Discord objects clients rely on (REFERENCE.md §1): ids as strings,
 * snake_case names, and never the password.
 */
public final class DiscordObjects {

    private DiscordObjects() {}

    /** The user object others see. */
    public static ObjectNode user(UserRecord user) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(user.id()));
        node.put("username", user.username());
        node.put("discriminator", user.discriminator() == null ? "0" : user.discriminator());
        node.put("global_name", user.globalName());
        node.put("avatar", user.avatar());
        node.put("bot", user.bot());
        node.put("system", user.system());
        node.put("flags", user.flags());
        node.put("public_flags", user.flags());
        return node;
    }

    /** The user object READY gives the user about themselves: adds email and verified, never the password. */
    public static ObjectNode currentUser(UserRecord user) {
        ObjectNode node = user(user);
        node.put("email", user.email());
        node.put("verified", true);
        node.put("mfa_enabled", false);
        return node;
    }

    public static ObjectNode member(MemberRecord member) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("user", user(member.user()));
        node.put("nick", member.nick());
        ArrayNode roles = node.putArray("roles");
        for (long roleId : member.roleIds()) {
            roles.add(Long.toString(roleId));
        }
        node.put("joined_at", timestamp(member.joinedAt()));
        node.put("deaf", false);
        node.put("mute", false);
        node.put("flags", 0);
        return node;
    }

    public static ObjectNode guild(GuildRecord guild) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(guild.id()));
        node.put("name", guild.name());
        node.put("icon", guild.icon());
        node.put("owner_id", Long.toString(guild.ownerId()));
        node.put("permissions", Long.toString(guild.permissions()));
        return node;
    }

    public static ObjectNode role(RoleRecord role) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(role.id()));
        node.put("name", role.name());
        node.put("permissions", Long.toString(role.permissions()));
        node.put("position", role.position());
        node.put("color", role.color());
        node.put("hoist", role.hoist());
        node.put("mentionable", role.mentionable());
        node.put("managed", false);
        node.putNull("icon");
        node.putNull("unicode_emoji");
        node.put("flags", 0);
        return node;
    }

    public static ObjectNode channel(ChannelRecord channel) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(channel.id()));
        node.put("type", channel.type());
        node.put("guild_id", Long.toString(channel.guildId()));
        node.put("name", channel.name());
        node.put("position", channel.position());
        node.put("parent_id", channel.parentId() == null ? null : Long.toString(channel.parentId()));
        node.put("topic", channel.topic());
        node.put("last_message_id", channel.lastMessageId() == null ? null : Long.toString(channel.lastMessageId()));
        node.putArray("permission_overwrites");
        node.put("nsfw", false);
        return node;
    }

    /** READY's {@code d}: the user, their guilds as unavailable, and where to resume. */
    public static byte[] ready(UserRecord user, List<Long> guildIds, String sessionId, String resumeGatewayUrl,
                               int[] shard) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("v", 10);
        d.set("user", currentUser(user));
        ArrayNode guilds = d.putArray("guilds");
        for (long guildId : guildIds) {
            guilds.addObject().put("id", Long.toString(guildId)).put("unavailable", true);
        }
        d.put("session_id", sessionId);
        d.put("session_type", "normal");
        d.put("resume_gateway_url", resumeGatewayUrl);
        if (shard != null) {
            d.putArray("shard").add(shard[0]).add(shard[1]);
        }
        d.putObject("application").put("id", Long.toString(user.id())).put("flags", 0);
        d.putArray("private_channels");
        d.putArray("relationships");
        d.putArray("presences");
        d.putArray("guild_join_requests");
        d.putObject("user_settings");
        return bytes(d);
    }

    public static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    public static byte[] bytes(Object node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes already-encoded JSON values as a JSON array into {@code out}. */
    public static void writeArray(ByteArrayOutputStream out, Iterable<byte[]> values) {
        out.write('[');
        boolean first = true;
        for (byte[] value : values) {
            if (!first) {
                out.write(',');
            }
            out.writeBytes(value);
            first = false;
        }
        out.write(']');
    }

    /** A JSON string literal with escaping, for hand-assembled payloads. */
    public static byte[] string(String text) {
        return bytes(Json.MAPPER.getNodeFactory().textNode(text));
    }

}
