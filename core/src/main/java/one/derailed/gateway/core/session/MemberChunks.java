package one.derailed.gateway.core.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import one.derailed.gateway.core.discord.JsonBytes;
import one.derailed.gateway.core.discord.MemberObject;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.MemberRecord;

/**
 * MemberChunks encodes the answer to an op 8 request as GUILD_MEMBERS_CHUNK payloads (docs: topics/gateway-events,
 * "Guild Members Chunk"), each member by {@link MemberObject}: members split into chunks of
 * at most {@code chunkSize}, each chunk with the presences of its own members, the ids asked for but not found in
 * the first chunk, and the request's nonce in every chunk. An answer with no members is one empty chunk.
 */
final class MemberChunks {
    private MemberChunks() {}

    static List<byte[]> encode(ClientPayload.RequestGuildMembers request, List<MemberRecord> members,
                               List<byte[]> presences, int chunkSize) {
        Set<Long> found = new HashSet<>();
        members.forEach(member -> found.add(member.user().id()));
        List<Long> notFound = new ArrayList<>();
        if (request.userIds() != null) {
            for (long id : request.userIds()) {
                if (!found.contains(id)) {
                    notFound.add(id);
                }
            }
        }
        int chunkCount = Math.max(1, (members.size() + chunkSize - 1) / chunkSize);
        List<byte[]> chunks = new ArrayList<>(chunkCount);
        for (int index = 0; index < chunkCount; index++) {
            List<MemberRecord> part = members.subList(Math.min(members.size(), index * chunkSize),
                    Math.min(members.size(), (index + 1) * chunkSize));
            chunks.add(chunk(request, index, chunkCount, part, presences, index == 0 ? notFound : List.of()));
        }
        return chunks;
    }

    /**
     * One GUILD_MEMBERS_CHUNK: chunk {@code index} of {@code count}, its members with those of {@code presences}
     * that are theirs, and {@code notFound} (the first chunk's).
     */
    static byte[] chunk(ClientPayload.RequestGuildMembers request, int index, int count, List<MemberRecord> part,
                        List<byte[]> presences, List<Long> notFound) {
        Map<Long, byte[]> presenceByUser = new HashMap<>();
        for (byte[] presence : presences) {
            try {
                presenceByUser.put(Json.MAPPER.readTree(presence).path("user").path("id").asLong(), presence);
            } catch (java.io.IOException ignored) {
                // a presence the guild encoded itself is always JSON
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + part.size() * 256);
        out.writeBytes(("{\"guild_id\":\"" + request.guildId() + "\",\"chunk_index\":" + index
                + ",\"chunk_count\":" + count + ",\"members\":").getBytes(StandardCharsets.US_ASCII));
        List<byte[]> encodedMembers = new ArrayList<>(part.size());
        List<byte[]> chunkPresences = new ArrayList<>();
        for (MemberRecord member : part) {
            encodedMembers.add(MemberObject.encode(member));
            byte[] presence = presenceByUser.get(member.user().id());
            if (presence != null) {
                chunkPresences.add(presence);
            }
        }
        JsonBytes.writeArray(out, encodedMembers);
        out.writeBytes(",\"not_found\":".getBytes(StandardCharsets.US_ASCII));
        List<byte[]> ids = new ArrayList<>();
        notFound.forEach(id -> ids.add(JsonBytes.string(Long.toString(id))));
        JsonBytes.writeArray(out, ids);
        if (request.presences()) {
            out.writeBytes(",\"presences\":".getBytes(StandardCharsets.US_ASCII));
            JsonBytes.writeArray(out, chunkPresences);
        }
        if (request.nonce() != null) {
            out.writeBytes(",\"nonce\":".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(JsonBytes.string(request.nonce()));
        }
        out.write('}');
        return out.toByteArray();
    }

    /**
     * The RATE_LIMITED dispatch Discord answers a member request with when it cannot be served now: which opcode,
     * how many seconds to wait, and the request's guild and nonce.
     */
    static byte[] rateLimited(ClientPayload.RequestGuildMembers request, double retryAfterSeconds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(("{\"opcode\":8,\"retry_after\":" + retryAfterSeconds + ",\"meta\":{\"guild_id\":\""
                + request.guildId() + "\"").getBytes(StandardCharsets.US_ASCII));
        if (request.nonce() != null) {
            out.writeBytes(",\"nonce\":".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(JsonBytes.string(request.nonce()));
        }
        out.writeBytes("}}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
