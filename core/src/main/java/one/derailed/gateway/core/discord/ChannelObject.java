package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.ChannelRecord;

/**
 * ChannelObject encodes Discord's channel object for a guild channel (docs: resources/channel, "Channel Object").
 * Defaults (not in the store): {@code permission_overwrites} [], {@code nsfw} false, {@code rate_limit_per_user} 0,
 * {@code flags} 0; voice and stage channels also {@code bitrate} 64000, {@code user_limit} 0, {@code rtc_region}
 * null.
 */
public final class ChannelObject {
    static final int GUILD_VOICE = 2;
    static final int GUILD_STAGE_VOICE = 13;

    private ChannelObject() {}

    public static ObjectNode of(ChannelRecord channel) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(channel.id()));
        node.put("type", channel.type());
        node.put("guild_id", Long.toString(channel.guildId()));
        node.put("name", channel.name());
        node.put("position", channel.position());
        node.put("parent_id", JsonBytes.snowflake(channel.parentId()));
        node.put("topic", channel.topic());
        node.put("last_message_id", JsonBytes.snowflake(channel.lastMessageId()));
        return complete(node);
    }

    /** Adds what {@code channel} (one the API published) lacks. */
    public static ObjectNode complete(ObjectNode channel) {
        ObjectNode defaults = Json.MAPPER.createObjectNode().put("type", 0).put("position", 0).putNull("parent_id");
        defaults.putArray("permission_overwrites");
        defaults.put("nsfw", false).put("rate_limit_per_user", 0).put("flags", 0);
        int type = channel.path("type").asInt(0);
        if (type == GUILD_VOICE || type == GUILD_STAGE_VOICE) {
            defaults.put("bitrate", 64_000).put("user_limit", 0).putNull("rtc_region");
        }
        return Defaults.fill(channel, defaults);
    }

    /** A published channel completed, or null when it is not an object with a string id. */
    public static ObjectNode completed(JsonNode published) {
        if (!published.isObject() || !published.path("id").isTextual()) {
            return null;
        }
        return complete(((ObjectNode) published).deepCopy());
    }
}
