package one.derailed.gateway.core.guild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import one.derailed.gateway.core.json.DiscordObjects;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.ChannelRecord;
import one.derailed.gateway.store.GuildSnapshot;
import one.derailed.gateway.store.RoleRecord;

/**
 * GuildDocument is the cached guild object a GUILD_CREATE starts with: its fields, roles, channels and member count.
 * Loaded once from the store, then kept current from the events published to the guild, so a later GUILD_CREATE
 * shows them without a database read. Its encoded form is cached until the next change.
 */
final class GuildDocument {
    private final long guildId;
    private final ObjectNode guild;
    private final Map<String, ObjectNode> roles = new LinkedHashMap<>();
    private final Map<String, ObjectNode> channels = new LinkedHashMap<>();
    private long memberCount;
    private byte[] encodedFields;

    GuildDocument(GuildSnapshot snapshot) {
        this.guildId = snapshot.guild().id();
        this.guild = DiscordObjects.guild(snapshot.guild());
        for (RoleRecord role : snapshot.roles()) {
            roles.put(Long.toString(role.id()), DiscordObjects.role(role));
        }
        for (ChannelRecord channel : snapshot.channels()) {
            channels.put(Long.toString(channel.id()), DiscordObjects.channel(channel));
        }
        this.memberCount = snapshot.memberCount();
    }

    long guildId() {
        return guildId;
    }

    long memberCount() {
        return memberCount;
    }

    void memberJoined() {
        memberCount++;
        encodedFields = null;
    }

    void memberLeft() {
        memberCount = Math.max(0, memberCount - 1);
        encodedFields = null;
    }

    /**
     * Applies an event published to the guild to the cached document; returns whether the event was one that
     * changes it. Payloads are Discord's: GUILD_UPDATE a guild, CHANNEL_* a channel, GUILD_ROLE_CREATE/UPDATE
     * {@code {guild_id, role}}, GUILD_ROLE_DELETE {@code {guild_id, role_id}}.
     */
    boolean apply(String event, JsonNode d) {
        boolean changed = switch (event) {
            case "GUILD_UPDATE" -> mergeGuild(d);
            case "CHANNEL_CREATE", "CHANNEL_UPDATE" -> put(channels, d);
            case "CHANNEL_DELETE" -> channels.remove(d.path("id").asText()) != null;
            case "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE" -> put(roles, d.path("role"));
            case "GUILD_ROLE_DELETE" -> roles.remove(d.path("role_id").asText()) != null;
            default -> false;
        };
        if (changed) {
            encodedFields = null;
        }
        return changed;
    }

    private boolean mergeGuild(JsonNode d) {
        if (!d.isObject()) {
            return false;
        }
        d.fields().forEachRemaining(field -> {
            switch (field.getKey()) {
                // Lists and counts that the document keeps itself are not taken from a partial update.
                case "id", "roles", "channels", "members", "presences", "member_count" -> { }
                default -> guild.set(field.getKey(), field.getValue());
            }
        });
        return true;
    }

    private static boolean put(Map<String, ObjectNode> items, JsonNode item) {
        if (!item.isObject() || !item.path("id").isTextual()) {
            return false;
        }
        ObjectNode existing = items.get(item.get("id").asText());
        if (existing != null) {
            existing.setAll((ObjectNode) item);
        } else {
            items.put(item.get("id").asText(), ((ObjectNode) item).deepCopy());
        }
        return true;
    }

    /** The document's fields as JSON object members without the braces, encoded once per change. */
    byte[] encodedFields() {
        if (encodedFields == null) {
            ObjectNode fields = guild.deepCopy();
            fields.putArray("roles").addAll(roles.values());
            fields.putArray("channels").addAll(channels.values());
            fields.putArray("emojis");
            fields.putArray("stickers");
            fields.putArray("features");
            fields.putArray("threads");
            fields.putArray("voice_states");
            fields.putArray("stage_instances");
            fields.putArray("guild_scheduled_events");
            byte[] object = DiscordObjects.bytes(fields);
            encodedFields = java.util.Arrays.copyOfRange(object, 1, object.length - 1);
        }
        return encodedFields;
    }

    static JsonNode parse(byte[] data) {
        return Json.readOrMissing(data);
    }
}
