package one.derailed.gateway.core.ready;

import java.util.List;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * ReadyProtocol is what Ready's workers answer: token checks, and the store reads a session needs (its user and
 * memberships for READY, a member object to subscribe with, members for op 8). Long answers come in pages, so that
 * no answer between nodes outgrows the cluster's frame (docs/configuration.md, "Limits").
 */
public final class ReadyProtocol {
    private ReadyProtocol() {}

    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "ready");

    /** An ask to a Ready desk: answered to {@link #replyTo()} unless still queued at {@link #deadlineMillis()}. */
    public interface Command extends CborSerializable {
        /** Epoch milliseconds after which nobody waits for the answer (clocks of one cluster agree closely). */
        long deadlineMillis();

        ActorRef<Result> replyTo();
    }

    /** The deadline of an ask made now that waits {@code timeout} for its answer. */
    public static long deadlineIn(java.time.Duration timeout) {
        return System.currentTimeMillis() + timeout.toMillis();
    }

    /**
     * Checks the token and loads the user, its saved status and the first page (of {@code pageSize}) of its
     * memberships in the guilds shard {@code shardId} of {@code shardCount} owns.
     */
    public record Load(String token, int shardId, int shardCount, int pageSize, long deadlineMillis,
                       ActorRef<Result> replyTo) implements Command {}

    /** The next page of memberships after guild {@code afterGuildId}. */
    public record LoadMemberships(long userId, int shardId, int shardCount, long afterGuildId, int pageSize,
                                  long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    /** One member of a guild, for a session whose user just joined it or renews its subscription. */
    public record LoadMember(long guildId, long userId, long deadlineMillis, ActorRef<Result> replyTo)
            implements Command {}

    /**
     * Members for op 8: by ids, or by username/nick prefix (at most {@code limit}); an empty prefix is the whole
     * member list, a page of {@code pageSize} after user {@code afterUserId} at a time (the first page also counts
     * them).
     */
    public record FindMembers(long guildId, String query, long[] userIds, int limit, long afterUserId, int pageSize,
                              long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    /** Only checks the token (for RESUME and moves): answers Authenticated, Rejected or Unavailable. */
    public record Authenticate(String token, long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    public sealed interface Result extends CborSerializable {}

    /** The user, the first page of memberships ({@code more}: another follows) and the user's saved status. */
    public record Loaded(UserRecord user, List<MemberRecord> memberships, boolean more, String status)
            implements Result {}

    /** The token is valid and belongs to {@code userId}. */
    public record Authenticated(long userId) implements Result {}

    /** The token did not authenticate; {@code reason} is the same for every cause and safe to show the client. */
    public record Rejected(String reason) implements Result {
        public static final String REASON = "authentication failed";
    }

    /**
     * Members (or memberships) found, in order; {@code more}: a further page follows; {@code total}: on the first page
     * of every member of a guild, how many it has (-1 otherwise). For a lookup by ids, the ids not found are simply
     * absent.
     */
    public record MembersFound(List<MemberRecord> members, boolean more, long total) implements Result {
        public MembersFound(List<MemberRecord> members, boolean more) {
            this(members, more, -1);
        }
    }

    /** The store could not answer, or the desk is full; the client should try again. */
    public record Unavailable(String reason) implements Result {
        public static final String BUSY = "the gateway is busy identifying: try again in a few seconds";
    }
}
