package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Collection;

/**
 * GuildCreateObject assembles GUILD_CREATE's {@code d} (docs: topics/gateway-events, "Guild Create"): the guild
 * object, its roles and channels, the lists this gateway keeps none of (threads, voice_states, stage_instances,
 * guild_scheduled_events, soundboard_sounds: always []), then the per-receiver part: member_count, large, joined_at,
 * unavailable false, members and presences. The guild part is encoded once per change ({@link #guildPart}); a
 * receiver's GUILD_CREATE copies it and the members' shared bytes, so nothing is encoded per receiver but its own
 * few fields.
 */
public final class GuildCreateObject {
    private static final String[] EMPTY_LISTS =
            {"threads", "voice_states", "stage_instances", "guild_scheduled_events", "soundboard_sounds"};

    private GuildCreateObject() {}

    /** The guild, roles, channels and empty lists as JSON object members without the braces. */
    public static byte[] guildPart(ObjectNode guild, Collection<ObjectNode> roles, Collection<ObjectNode> channels) {
        ObjectNode fields = guild.deepCopy();
        ArrayNode roleArray = fields.putArray("roles");
        roles.forEach(roleArray::add);
        ArrayNode channelArray = fields.putArray("channels");
        channels.forEach(channelArray::add);
        for (String list : EMPTY_LISTS) {
            fields.putArray(list);
        }
        byte[] object = JsonBytes.bytes(fields);
        return Arrays.copyOfRange(object, 1, object.length - 1);
    }

    /** Writes {@code {guild part, member_count, large, joined_at, unavailable, "members":[}. */
    public static void open(ByteArrayOutputStream out, byte[] guildPart, long memberCount, int largeThreshold,
                            String joinedAt) {
        out.write('{');
        out.writeBytes(guildPart);
        JsonBytes.writeAscii(out, ",\"member_count\":" + memberCount + ",\"large\":" + (memberCount > largeThreshold)
                + ",\"joined_at\":");
        if (joinedAt == null) {
            JsonBytes.writeAscii(out, "null");
        } else {
            out.writeBytes(JsonBytes.string(joinedAt));
        }
        JsonBytes.writeAscii(out, ",\"unavailable\":false,\"members\":[");
    }

    /** Ends the members and writes the presences (already-encoded objects joined by commas), closing the object. */
    public static void close(ByteArrayOutputStream out, byte[] presences) {
        JsonBytes.writeAscii(out, "],\"presences\":[");
        out.writeBytes(presences);
        JsonBytes.writeAscii(out, "]}");
    }
}
