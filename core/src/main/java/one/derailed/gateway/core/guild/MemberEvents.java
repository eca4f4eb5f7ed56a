package one.derailed.gateway.core.guild;

import com.fasterxml.jackson.databind.JsonNode;

/** MemberEvents reads whose membership a member event is about, in the shapes the API publishes. */
final class MemberEvents {
    private MemberEvents() {}

    /**
     * The user id of a member event: {@code user.id} (Discord's GUILD_MEMBER_* and GUILD_BAN_*), or {@code user_id}
     * (Derailed's MEMBER_JOIN); 0 when neither is a snowflake.
     */
    static long userId(JsonNode d) {
        JsonNode id = d.path("user").path("id");
        return snowflake(id.isMissingNode() ? d.path("user_id") : id);
    }

    /** A snowflake sent as a string or a number; 0 when it is neither. */
    static long snowflake(JsonNode id) {
        try {
            return id.isIntegralNumber() ? id.longValue() : Long.parseLong(id.asText());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
