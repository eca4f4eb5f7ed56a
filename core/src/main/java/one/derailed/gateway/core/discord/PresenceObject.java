package one.derailed.gateway.core.discord;

/**
 * PresenceObject writes Discord's presence update object (docs: topics/gateway-events, "Presence Update"):
 * {@code {user: {id}, guild_id, status, activities, client_status}}. Written as text straight into the caller's
 * buffer, since a GUILD_CREATE carries one per online member. {@code client_status} has a key per platform with a
 * live session; an offline user's is {@code {}} with no activities.
 */
public final class PresenceObject {
    private PresenceObject() {}

    /**
     * Appends the presence of {@code userId} in {@code guildId}; bit i of {@code platforms} set means client_status
     * key {@code platformNames[i]} (desktop, mobile, web) shows {@code status}; {@code activitiesJson} is a JSON
     * array.
     */
    public static StringBuilder append(StringBuilder out, long userId, long guildId, String status,
                                       String activitiesJson, String[] platformNames, int platforms) {
        out.append("{\"user\":{\"id\":\"").append(userId).append("\"},\"guild_id\":\"").append(guildId)
                .append("\",\"status\":\"").append(status).append("\",\"activities\":").append(activitiesJson)
                .append(",\"client_status\":{");
        boolean first = true;
        for (int i = 0; i < platformNames.length; i++) {
            if ((platforms & (1 << i)) != 0) {
                out.append(first ? "\"" : ",\"").append(platformNames[i]).append("\":\"").append(status).append('"');
                first = false;
            }
        }
        return out.append("}}");
    }

    /** The presence of a user who is gone, or whom others may not see (invisible). */
    public static StringBuilder appendOffline(StringBuilder out, long userId, long guildId) {
        return append(out, userId, guildId, "offline", "[]", new String[0], 0);
    }
}
