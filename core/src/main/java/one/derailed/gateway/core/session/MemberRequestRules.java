package one.derailed.gateway.core.session;

import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.Intents;

/**
 * MemberRequestRules are Discord's rules for REQUEST_GUILD_MEMBERS (op 8), applied to one request: what it may ask
 * for given the session's intents, and how much it gets.
 *
 * <ul>
 *   <li>An empty {@code query} asks for the whole member list, whatever its {@code limit} ({@code 0} means all, a
 *       positive one that many): it needs GUILD_MEMBERS, else the socket closes with 4013.</li>
 *   <li>A non-empty {@code query} returns at most {@value #MAX_QUERY_MEMBERS} members: a larger limit, or none
 *       ({@code 0}), means {@value #MAX_QUERY_MEMBERS}.</li>
 *   <li>{@code user_ids} (at most 100, checked by the decoder) return those members; {@code limit} plays no part.</li>
 *   <li>{@code presences} without GUILD_PRESENCES is as if false: "Otherwise, it will always be false".</li>
 *   <li>A guild the session is not in gets one empty chunk.</li>
 * </ul>
 * Pure: the decision is carried out by {@link MemberRequest}.
 */
public final class MemberRequestRules {
    /** Discord: "Requesting a prefix (query parameter) will return a maximum of 100 members". */
    public static final int MAX_QUERY_MEMBERS = 100;

    private MemberRequestRules() {}

    /** What a member request gets. */
    public sealed interface Decision {}

    /** The request is not allowed: the socket closes with {@code code}. */
    public record Refuse(CloseCode code, String reason) implements Decision {}

    /** The session is not in the guild: one empty chunk. */
    public record NotInGuild() implements Decision {}

    /**
     * Members by prefix ({@code query}, at most {@code limit}) or by ids ({@code userIds}); {@code presences} as
     * the intents allow.
     */
    public record Lookup(String query, long[] userIds, int limit, boolean presences) implements Decision {}

    /** The whole member list, or its first {@code limit} members when positive; read and sent a page at a time. */
    public record WholeList(int limit, boolean presences) implements Decision {}

    public static Decision decide(ClientPayload.RequestGuildMembers request, int intents, boolean inGuild) {
        boolean wholeList = request.userIds() == null && request.query().isEmpty();
        if (wholeList && !Intents.allows(intents, Intents.GUILD_MEMBERS)) {
            return new Refuse(CloseCode.INVALID_INTENTS,
                    "requesting members with an empty query needs the GUILD_MEMBERS intent");
        }
        if (!inGuild) {
            return new NotInGuild();
        }
        boolean presences = request.presences() && Intents.allows(intents, Intents.GUILD_PRESENCES);
        if (request.userIds() != null) {
            return new Lookup(null, request.userIds(), request.userIds().length, presences);
        }
        if (wholeList) {
            return new WholeList(request.limit(), presences);
        }
        int limit = request.limit() == 0 ? MAX_QUERY_MEMBERS : Math.min(request.limit(), MAX_QUERY_MEMBERS);
        return new Lookup(request.query(), null, limit, presences);
    }
}
