package one.derailed.gateway.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * ClientPayloadDecoder turns a client's JSON text frame into a {@link ClientPayload}, or says with a
 * {@link PayloadException} which close code answers it: 4002 for anything that is not UTF-8 JSON of the right shape
 * (a number out of its field's range included: numbers are refused, never wrapped), 4001 for an unknown op, 4010 for
 * an impossible shard, 4013 for intents with unknown bits.
 *
 * <p>The bytes are read as UTF-8 and nothing else: RFC 8259 requires UTF-8 between systems, and Jackson would
 * otherwise detect UTF-16 or UTF-32 from zero bytes and accept them.
 */
public final class ClientPayloadDecoder {
    public static final int MIN_LARGE_THRESHOLD = 50;
    public static final int MAX_LARGE_THRESHOLD = 250;
    public static final int MAX_USER_IDS = 100;
    public static final int MAX_NONCE_BYTES = 32;
    /** Discord's sharding runs to a few thousand shards; more is a mistake or an attack. */
    public static final int MAX_SHARDS = 65_536;
    private static final Set<String> STATUSES = Set.of("online", "dnd", "idle", "invisible", "offline");

    private ClientPayloadDecoder() {}

    public static ClientPayload decode(byte[] utf8) throws PayloadException {
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(utf8Text(utf8));
        } catch (JacksonException e) {
            throw decodeError("payload is not valid JSON");
        } catch (java.io.IOException e) {
            throw decodeError("payload could not be read");
        }
        if (frame == null || !frame.isObject()) {
            throw decodeError("payload must be a JSON object");
        }
        JsonNode op = frame.get("op");
        if (op == null || !op.isIntegralNumber() || !op.canConvertToInt()) {
            throw decodeError("op must be an integer");
        }
        JsonNode d = frame.path("d");
        return switch (Opcode.of(op.intValue())) {
            case HEARTBEAT -> heartbeat(d);
            case IDENTIFY -> identify(d);
            case PRESENCE_UPDATE -> presence(d);
            case VOICE_STATE_UPDATE -> new ClientPayload.VoiceStateUpdate(d.path("guild_id").asText(null));
            case RESUME -> resume(d);
            case REQUEST_GUILD_MEMBERS -> requestGuildMembers(d);
            case null, default ->
                    throw new PayloadException(CloseCode.UNKNOWN_OPCODE, "unknown opcode " + op.intValue());
        };
    }

    /** The text of strictly valid UTF-8 bytes; anything else (UTF-16, UTF-32, broken sequences) is refused. */
    private static String utf8Text(byte[] bytes) throws PayloadException {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw decodeError("payload must be UTF-8 JSON text");
        }
    }

    private static ClientPayload.Heartbeat heartbeat(JsonNode d) throws PayloadException {
        if (d.isNull() || d.isMissingNode()) {
            return new ClientPayload.Heartbeat(null);
        }
        if (!d.isIntegralNumber() || !d.canConvertToLong()) {
            throw decodeError("heartbeat d must be the last sequence number or null");
        }
        return new ClientPayload.Heartbeat(d.longValue());
    }

    private static ClientPayload.Identify identify(JsonNode d) throws PayloadException {
        requireObject(d, "identify");
        String token = token(d);
        JsonNode props = d.path("properties");
        ClientPayload.ConnectionProperties properties = props.isObject()
                ? new ClientPayload.ConnectionProperties(
                        firstText(props, "os", "$os"), firstText(props, "browser", "$browser"),
                        firstText(props, "device", "$device"))
                : ClientPayload.ConnectionProperties.UNKNOWN;
        boolean compress = d.path("compress").asBoolean(false);
        int largeThreshold = MIN_LARGE_THRESHOLD;
        JsonNode threshold = d.get("large_threshold");
        if (threshold != null && !threshold.isNull()) {
            if (!threshold.isIntegralNumber() || !threshold.canConvertToInt()
                    || threshold.intValue() < MIN_LARGE_THRESHOLD
                    || threshold.intValue() > MAX_LARGE_THRESHOLD) {
                throw decodeError("large_threshold must be an integer from 50 to 250");
            }
            largeThreshold = threshold.intValue();
        }
        ClientPayload.Shard shard = shard(d.get("shard"));
        JsonNode presenceNode = d.get("presence");
        ClientPayload.PresenceUpdate presence =
                presenceNode == null || presenceNode.isNull() ? null : presence(presenceNode);
        Integer intents = null;
        JsonNode intentsNode = d.get("intents");
        if (intentsNode != null && !intentsNode.isNull()) {
            if (!intentsNode.isIntegralNumber()) {
                throw decodeError("intents must be an integer");
            }
            if (!intentsNode.canConvertToLong()) {
                throw new PayloadException(CloseCode.INVALID_INTENTS, "intents has unknown bits: "
                        + echo(intentsNode));
            }
            long value = intentsNode.longValue();
            if (value < 0 || (value & ~(long) Intents.ALL) != 0) {
                throw new PayloadException(CloseCode.INVALID_INTENTS, "intents has unknown bits: " + value);
            }
            intents = (int) value;
        }
        return new ClientPayload.Identify(token, properties, compress, largeThreshold, shard, presence, intents);
    }

    private static ClientPayload.Shard shard(JsonNode node) throws PayloadException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isIntegralNumber()
                || !node.get(1).isIntegralNumber()) {
            throw new PayloadException(CloseCode.INVALID_SHARD, "shard must be [shard_id, num_shards]");
        }
        JsonNode id = node.get(0);
        JsonNode count = node.get(1);
        // Compared as they were sent: a count of 2^64+1 must not wrap to 1.
        boolean inRange = count.canConvertToInt() && id.canConvertToInt()
                && count.intValue() >= 1 && count.intValue() <= MAX_SHARDS
                && id.intValue() >= 0 && id.intValue() < count.intValue();
        if (!inRange) {
            throw new PayloadException(CloseCode.INVALID_SHARD, "shard [" + echo(id) + ", " + echo(count)
                    + "] is not a shard: need 0 <= shard_id < num_shards <= " + MAX_SHARDS);
        }
        return new ClientPayload.Shard(id.intValue(), count.intValue());
    }

    private static ClientPayload.PresenceUpdate presence(JsonNode d) throws PayloadException {
        requireObject(d, "presence update");
        String status = requiredText(d, "status");
        if (!STATUSES.contains(status)) {
            throw decodeError("status must be one of online, dnd, idle, invisible, offline");
        }
        JsonNode activities = d.path("activities");
        String activitiesJson;
        if (activities.isMissingNode() || activities.isNull()) {
            activitiesJson = "[]";
        } else if (activities.isArray()) {
            activitiesJson = Activities.asSent(activities, System.currentTimeMillis()).toString();
        } else {
            throw decodeError("activities must be an array");
        }
        JsonNode since = d.path("since");
        if (since.isIntegralNumber() && !since.canConvertToLong()) {
            throw decodeError("since must be a time in milliseconds or null");
        }
        Long sinceValue = since.isIntegralNumber() ? since.longValue() : null;
        return new ClientPayload.PresenceUpdate(sinceValue, activitiesJson, status, d.path("afk").asBoolean(false));
    }

    private static ClientPayload.Resume resume(JsonNode d) throws PayloadException {
        requireObject(d, "resume");
        String token = token(d);
        String sessionId = requiredText(d, "session_id");
        JsonNode seq = d.get("seq");
        long seqValue;
        if (seq == null || seq.isNull()) {
            seqValue = 0;
        } else if (seq.isIntegralNumber() && seq.canConvertToLong() && seq.longValue() >= 0) {
            seqValue = seq.longValue();
        } else {
            throw decodeError("resume seq must be a non-negative integer");
        }
        return new ClientPayload.Resume(token, sessionId, seqValue);
    }

    private static ClientPayload.RequestGuildMembers requestGuildMembers(JsonNode d) throws PayloadException {
        requireObject(d, "request guild members");
        long guildId = snowflake(d.get("guild_id"), "guild_id");
        JsonNode query = d.get("query");
        JsonNode ids = d.get("user_ids");
        long[] userIds = null;
        if (ids != null && !ids.isNull()) {
            if (ids.isArray()) {
                if (ids.size() > MAX_USER_IDS) {
                    throw decodeError("user_ids holds at most " + MAX_USER_IDS + " ids");
                }
                userIds = new long[ids.size()];
                for (int i = 0; i < ids.size(); i++) {
                    userIds[i] = snowflake(ids.get(i), "user_ids");
                }
            } else {
                userIds = new long[] {snowflake(ids, "user_ids")};
            }
        }
        if (query != null && !query.isNull() && !query.isTextual()) {
            throw decodeError("query must be a string");
        }
        String queryText = query == null || query.isNull() ? null : query.textValue();
        if ((queryText == null) == (userIds == null)) {
            throw decodeError("request guild members needs exactly one of query or user_ids");
        }
        JsonNode limit = d.path("limit");
        int limitValue = 0;
        if (!limit.isMissingNode() && !limit.isNull()) {
            if (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.intValue() < 0) {
                throw decodeError("limit must be an integer from 0 to " + Integer.MAX_VALUE);
            }
            limitValue = limit.intValue();
        }
        String nonce = d.path("nonce").isTextual() ? d.path("nonce").asText() : null;
        if (nonce != null && nonce.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NONCE_BYTES) {
            throw decodeError("nonce is at most 32 bytes");
        }
        return new ClientPayload.RequestGuildMembers(guildId, queryText, userIds, limitValue,
                d.path("presences").asBoolean(false), nonce);
    }

    private static long snowflake(JsonNode node, String field) throws PayloadException {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() > 0) {
            return node.longValue();
        }
        if (node != null && node.isTextual() && isDigits(node.textValue())) {
            try {
                long value = Long.parseLong(node.textValue());
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException tooLarge) {
                // falls through to the decode error below
            }
        }
        throw decodeError(field + " must be a snowflake");
    }

    /** ASCII digits only: {@link Long#parseLong} alone would also take a sign and other scripts' digits. */
    private static boolean isDigits(String text) {
        if (text.isEmpty() || text.length() > 19) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A number as the client sent it, shortened: a reason must stay within a close frame. */
    private static String echo(JsonNode number) {
        String text = number.asText();
        return text.length() > 24 ? text.substring(0, 24) + "..." : text;
    }

    private static void requireObject(JsonNode d, String what) throws PayloadException {
        if (!d.isObject()) {
            throw decodeError(what + " d must be an object");
        }
    }

    /**
     * The token of an IDENTIFY or RESUME. Libraries that send REST's "Bot TOKEN" there too (Eris, Oceanic.js) are
     * answered as Discord answers them: the scheme, in any case, is not part of the token.
     */
    private static String token(JsonNode d) throws PayloadException {
        String token = requiredText(d, "token");
        return token.regionMatches(true, 0, BOT_SCHEME, 0, BOT_SCHEME.length())
                ? token.substring(BOT_SCHEME.length()) : token;
    }

    private static final String BOT_SCHEME = "Bot ";

    private static String requiredText(JsonNode d, String field) throws PayloadException {
        JsonNode value = d.get(field);
        if (value == null || !value.isTextual()) {
            throw decodeError(field + " must be a string");
        }
        return value.textValue();
    }

    private static String firstText(JsonNode node, String name, String legacyName) {
        JsonNode value = node.has(name) ? node.get(name) : node.get(legacyName);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static PayloadException decodeError(String reason) {
        return new PayloadException(CloseCode.DECODE_ERROR, reason);
    }
}
