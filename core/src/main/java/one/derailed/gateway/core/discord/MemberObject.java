package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.MemberRecord;

/**
 * MemberObject encodes Discord's guild member object (docs: resources/guild, "Guild Member Object"). Encoded once
 * per membership and shared as bytes: a guild keeps each online member's bytes and copies them into every
 * GUILD_CREATE. Defaults (the store keeps none of them): {@code avatar}, {@code banner}, {@code premium_since},
 * {@code communication_disabled_until} null; {@code deaf}, {@code mute}, {@code pending} false; {@code flags} 0.
 */
public final class MemberObject {
    private static final ObjectNode DEFAULTS = Json.MAPPER.createObjectNode()
            .putNull("nick")
            .putNull("avatar")
            .putNull("banner")
            .put("deaf", false)
            .put("mute", false)
            .put("flags", 0)
            .put("pending", false)
            .putNull("premium_since")
            .putNull("communication_disabled_until");

    private MemberObject() {}

    public static ObjectNode of(MemberRecord member) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("user", UserObject.of(member.user()));
        node.put("nick", member.nick());
        ArrayNode roles = node.putArray("roles");
        for (long roleId : member.roleIds()) {
            roles.add(Long.toString(roleId));
        }
        node.put("joined_at", JsonBytes.timestamp(member.joinedAt()));
        return Defaults.fill(node, DEFAULTS);
    }

    /** The member, encoded. */
    public static byte[] encode(MemberRecord member) {
        return JsonBytes.bytes(of(member));
    }

    /**
     * A member object the API published (GUILD_MEMBER_ADD), completed with the defaults; null when it is not one
     * the gateway can show (no {@code user} with an id and a username, as Derailed's MEMBER_JOIN {@code {user_id}}):
     * the member is then read from the store.
     */
    public static byte[] completed(byte[] published) {
        JsonNode node = Json.readOrMissing(published);
        JsonNode user = node.path("user");
        if (!node.isObject() || !user.path("id").isTextual() || !user.path("username").isTextual()) {
            return null;
        }
        ObjectNode member = ((ObjectNode) node).deepCopy();
        member.remove("guild_id");
        if (!member.path("roles").isArray()) {
            member.putArray("roles");
        }
        if (!member.has("joined_at")) {
            member.putNull("joined_at");
        }
        return JsonBytes.bytes(Defaults.fill(member, DEFAULTS));
    }

    /**
     * The member after a GUILD_MEMBER_UPDATE: Discord's update carries only some of the member's fields (no
     * {@code deaf}, {@code mute}), so the fields it has replace those of {@code current} and the rest stay.
     */
    public static byte[] updated(byte[] current, byte[] update) {
        JsonNode base = Json.readOrMissing(current);
        JsonNode change = Json.readOrMissing(update);
        if (!base.isObject() || !change.isObject()) {
            return current;
        }
        ObjectNode merged = ((ObjectNode) base).deepCopy();
        change.properties().forEach(field -> {
            if (!field.getKey().equals("guild_id")) {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return JsonBytes.bytes(Defaults.fill(merged, DEFAULTS));
    }
}
