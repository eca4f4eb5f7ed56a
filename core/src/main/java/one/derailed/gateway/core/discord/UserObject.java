package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.UserRecord;

/**
 * UserObject encodes Discord's user object (docs: resources/user, "User Object"): every field it always carries,
 * with the store's values where it has them. Never the password. Defaults: {@code banner}, {@code accent_color},
 * {@code avatar_decoration_data} null (the store keeps none).
 */
public final class UserObject {
    private UserObject() {}

    /** The user object others see. */
    public static ObjectNode of(UserRecord user) {
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
        node.putNull("banner");
        node.putNull("accent_color");
        node.putNull("avatar_decoration_data");
        return node;
    }

    /**
     * The user object READY gives the user about themselves: adds email, verified, mfa_enabled (false), locale
     * ("en-US") and premium_type (0).
     */
    public static ObjectNode current(UserRecord user) {
        ObjectNode node = of(user);
        node.put("email", user.email());
        node.put("verified", true);
        node.put("mfa_enabled", false);
        node.put("locale", GuildObject.DEFAULT_LOCALE);
        node.put("premium_type", 0);
        return node;
    }
}
