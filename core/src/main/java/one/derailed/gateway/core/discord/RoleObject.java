package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.RoleRecord;

/**
 * RoleObject encodes Discord's role object (docs: topics/permissions, "Role Object"). Defaults (not in the store):
 * {@code colors} {@code {primary_color: color, secondary_color: null, tertiary_color: null}}, {@code icon} and
 * {@code unicode_emoji} null, {@code managed} false, {@code flags} 0.
 */
public final class RoleObject {
    private RoleObject() {}

    public static ObjectNode of(RoleRecord role) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(role.id()));
        node.put("name", role.name());
        node.put("permissions", Long.toString(role.permissions()));
        node.put("position", role.position());
        node.put("color", role.color());
        node.put("hoist", role.hoist());
        node.put("mentionable", role.mentionable());
        return complete(node);
    }

    /** Adds what {@code role} (one the API published) lacks; a role without {@code colors} gets its color's. */
    public static ObjectNode complete(ObjectNode role) {
        int color = role.path("color").asInt(0);
        if (!role.has("color")) {
            role.put("color", color);
        }
        ObjectNode defaults = Json.MAPPER.createObjectNode();
        defaults.putObject("colors").put("primary_color", color).putNull("secondary_color").putNull("tertiary_color");
        defaults.put("hoist", false).put("position", 0).put("permissions", "0").put("managed", false)
                .put("mentionable", false).putNull("icon").putNull("unicode_emoji").put("flags", 0);
        return Defaults.fill(role, defaults);
    }

    /**
     * Applies a GUILD_ROLE_UPDATE's role to the cached one: its fields replace the cached ones; an update that sets
     * {@code color} without {@code colors} (an API that knows only the old field) moves the primary color with it.
     */
    public static void update(ObjectNode cached, ObjectNode update) {
        cached.setAll(update);
        if (update.has("color") && !update.has("colors") && cached.path("colors").isObject()) {
            ((ObjectNode) cached.get("colors")).put("primary_color", update.path("color").asInt(0));
        }
    }

    /** A published role completed, or null when it is not an object with a string id. */
    public static ObjectNode completed(JsonNode published) {
        if (!published.isObject() || !published.path("id").isTextual()) {
            return null;
        }
        return complete(((ObjectNode) published).deepCopy());
    }
}
