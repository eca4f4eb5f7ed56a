package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.UserRecord;

/**
 * ReadyObject encodes READY's {@code d} (docs: topics/gateway-events, "Ready"): v, the current user, the guilds as
 * unavailable guilds, session_id, session_type, resume_gateway_url, shard (when sent), application {id, flags} and
 * {@code _trace}. The application is the user's own (a bot's application id is its user id); flags 0. The lists and
 * objects a user client gets (private_channels, relationships, presences, guild_join_requests,
 * geo_ordered_rtc_regions, user_settings) are empty.
 */
public final class ReadyObject {
    /** What {@code _trace} says: the servers that handled the session (Discord lists its own; libraries log it). */
    static final String TRACE = "derailed-gateway";

    private ReadyObject() {}

    public static byte[] encode(UserRecord user, List<Long> guildIds, String sessionId, String resumeGatewayUrl,
                                int[] shard) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("v", 10);
        d.set("user", UserObject.current(user));
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
        d.putArray("geo_ordered_rtc_regions");
        d.putObject("user_settings");
        d.putArray("_trace").add(TRACE);
        return JsonBytes.bytes(d);
    }
}
