package one.derailed.gateway.protocol;

import java.util.Arrays;

/** ClientPayload is every frame a client may send, decoded and checked by {@link ClientPayloadDecoder}. */
public sealed interface ClientPayload {

    /** op 1: the client is alive; {@code lastSequence} is the last {@code s} it saw, or null. */
    record Heartbeat(Long lastSequence) implements ClientPayload {}

    /** op 2: start a new session. {@code intents} is null when the client sent none. */
    record Identify(String token, ConnectionProperties properties, boolean compress, int largeThreshold, Shard shard,
                    PresenceUpdate presence, Integer intents) implements ClientPayload {}

    /** op 3: the client's new presence. {@code activitiesJson} is the JSON array text, kept as sent. */
    record PresenceUpdate(Long since, String activitiesJson, String status, boolean afk) implements ClientPayload {}

    /** op 4: voice state. The gateway serves no voice, so the session answers nothing. */
    record VoiceStateUpdate(String guildId) implements ClientPayload {}

    /** op 6: take over an existing session and replay what was missed after {@code seq}. */
    record Resume(String token, String sessionId, long seq) implements ClientPayload {}

    /** op 8: members of a guild by username prefix or by ids. */
    record RequestGuildMembers(long guildId, String query, long[] userIds, int limit, boolean presences, String nonce)
            implements ClientPayload {
        @Override
        public boolean equals(Object o) {
            return o instanceof RequestGuildMembers r && guildId == r.guildId && limit == r.limit
                    && presences == r.presences && java.util.Objects.equals(query, r.query)
                    && Arrays.equals(userIds, r.userIds) && java.util.Objects.equals(nonce, r.nonce);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(guildId) * 31 + Arrays.hashCode(userIds);
        }

        @Override
        public String toString() {
            return "RequestGuildMembers[guildId=" + guildId + ", query=" + query + ", userIds="
                    + Arrays.toString(userIds) + ", limit=" + limit + ", presences=" + presences + ", nonce=" + nonce
                    + "]";
        }
    }

    /** IDENTIFY's {@code properties}: what the client runs on; {@code browser} and {@code device} set client_status. */
    record ConnectionProperties(String os, String browser, String device) {
        public static final ConnectionProperties UNKNOWN = new ConnectionProperties("", "", "");
    }

    /** IDENTIFY's {@code shard}: this connection is shard {@code id} of {@code count}. */
    record Shard(int id, int count) {
        public static final Shard SOLE = new Shard(0, 1);

        /** Whether this shard receives a guild's events: {@code (guild_id >> 22) % count == id}. */
        public boolean owns(long guildId) {
            return (int) ((guildId >>> 22) % count) == id;
        }
    }
}
