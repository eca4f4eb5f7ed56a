package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Defaults fills in the fields Discord always sends but an object at hand lacks: one the API published (a role in
 * GUILD_ROLE_CREATE, a member in GUILD_MEMBER_ADD) before the gateway keeps it. A field already there is kept as
 * given, null included; only absent ones are added.
 */
final class Defaults {
    private Defaults() {}

    /** Adds {@code defaults}' fields that {@code node} lacks, recursing into objects both have. */
    static ObjectNode fill(ObjectNode node, ObjectNode defaults) {
        defaults.properties().forEach(field -> {
            JsonNode present = node.get(field.getKey());
            if (present == null) {
                node.set(field.getKey(), field.getValue().deepCopy());
            } else if (present.isObject() && field.getValue().isObject() && !field.getValue().isEmpty()) {
                fill((ObjectNode) present, (ObjectNode) field.getValue());
            }
        });
        return node;
    }
}
