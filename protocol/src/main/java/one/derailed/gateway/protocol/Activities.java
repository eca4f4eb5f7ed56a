package one.derailed.gateway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Activities turns the activities a client sets (op 3, IDENTIFY's presence: {@code name}, {@code type}, maybe
 * {@code url}, {@code state}) into the activity objects Discord sends others (docs: topics/gateway-events,
 * "Activity Object"), which always carry {@code created_at} (when the gateway received it, in ms) and an {@code id}
 * ("custom" for a custom status, as Discord's, else one derived from the name and type). What the client sent is kept.
 */
final class Activities {
    private static final int CUSTOM = 4;

    private Activities() {}

    static ArrayNode asSent(JsonNode activities, long receivedAtMillis) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode activity : activities) {
            if (!activity.isObject()) {
                out.add(activity);
                continue;
            }
            ObjectNode complete = ((ObjectNode) activity).deepCopy();
            if (!complete.has("type")) {
                complete.put("type", 0);
            }
            if (!complete.has("created_at")) {
                complete.put("created_at", receivedAtMillis);
            }
            if (!complete.has("id")) {
                complete.put("id", complete.path("type").asInt() == CUSTOM ? "custom"
                        : Long.toHexString(((long) complete.path("name").asText("").hashCode() << 8)
                                | (complete.path("type").asInt() & 0xff)));
            }
            out.add(complete);
        }
        return out;
    }
}
