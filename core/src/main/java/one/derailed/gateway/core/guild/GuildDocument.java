package one.derailed.gateway.core.guild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import one.derailed.gateway.core.discord.ChannelObject;
import one.derailed.gateway.core.discord.GuildCreateObject;
import one.derailed.gateway.core.discord.GuildObject;
import one.derailed.gateway.core.discord.RoleObject;
import one.derailed.gateway.protocol.GatewayEvent;
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
        this.guild = GuildObject.of(snapshot.guild());
        for (RoleRecord role : snapshot.roles()) {
            roles.put(Long.toString(role.id()), RoleObject.of(role));
        }
        for (ChannelRecord channel : snapshot.channels()) {
            channels.put(Long.toString(channel.id()), ChannelObject.of(channel));
        }
        this.memberCount = snapshot.memberCount();
    }

    long guildId() {
        return guildId;
    }

    String name() {
        return guild.path("name").asText("");
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
    boolean apply(GatewayEvent event, JsonNode d) {
        boolean changed = switch (event) {
            case GUILD_UPDATE -> mergeGuild(d);
            case CHANNEL_CREATE, CHANNEL_UPDATE -> put(channels, d, ChannelObject.completed(d), ObjectNode::setAll);
            case CHANNEL_DELETE -> channels.remove(d.path("id").asText()) != null;
            case GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE ->
                    put(roles, d.path("role"), RoleObject.completed(d.path("role")), RoleObject::update);
            case GUILD_ROLE_DELETE -> roles.remove(d.path("role_id").asText()) != null;
            case null, default -> false;
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

    /**
     * An update's fields replace the cached item's ({@code update}); a new item is kept completed with Discord's defaults
     * ({@code complete}, null when the item is not an object with an id), so a later GUILD_CREATE shows it whole.
     */
    private static boolean put(Map<String, ObjectNode> items, JsonNode item, ObjectNode complete,
                               BiConsumer<ObjectNode, ObjectNode> update) {
        if (complete == null) {
            return false;
        }
        ObjectNode existing = items.get(complete.get("id").asText());
        if (existing != null) {
            update.accept(existing, (ObjectNode) item);
        } else {
            items.put(complete.get("id").asText(), complete);
        }
        return true;
    }

    /** The document's fields as JSON object members without the braces, encoded once per change. */
    byte[] encodedFields() {
        if (encodedFields == null) {
            encodedFields = GuildCreateObject.guildPart(guild, roles.values(), channels.values());
        }
        return encodedFields;
    }

    static JsonNode parse(byte[] data) {
        return Json.readOrMissing(data);
    }
}
