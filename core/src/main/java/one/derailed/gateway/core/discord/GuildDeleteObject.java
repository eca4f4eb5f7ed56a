package one.derailed.gateway.core.discord;

import java.nio.charset.StandardCharsets;

/**
 * GuildDeleteObject encodes GUILD_DELETE's {@code d}, an unavailable guild (docs: resources/guild, "Unavailable
 * Guild Object"): {@code {id, unavailable: true}} when the guild could not be loaded (the client keeps it and waits
 * for it), {@code {id}} when the user left it or it is gone (the client drops it), as Discord sends them.
 */
public final class GuildDeleteObject {
    private GuildDeleteObject() {}

    public static byte[] encode(long guildId, boolean unavailable) {
        return ("{\"id\":\"" + guildId + "\"" + (unavailable ? ",\"unavailable\":true}" : "}"))
                .getBytes(StandardCharsets.US_ASCII);
    }
}
