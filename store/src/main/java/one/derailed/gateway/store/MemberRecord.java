package one.derailed.gateway.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * MemberRecord is a user's membership of one guild: the {@code members} row, its user and the ids of the roles it was
 * given (ascending; the implicit @everyone role is not among them). The role ids are copied in and out, so the record
 * stays immutable, and compare by content.
 *
 * @param nick the guild nickname, or null
 */
public record MemberRecord(long guildId, UserRecord user, String nick, Instant joinedAt, long[] roleIds) {

    private static final long[] NO_ROLES = new long[0];

    public MemberRecord {
        Objects.requireNonNull(user, "user");
        roleIds = roleIds == null || roleIds.length == 0 ? NO_ROLES : roleIds.clone();
    }

    /** The member's user id. */
    public long userId() {
        return user.id();
    }

    /** A copy of the role ids. */
    @Override
    public long[] roleIds() {
        return roleIds.length == 0 ? NO_ROLES : roleIds.clone();
    }

    /** Whether the member was given the role {@code roleId}. */
    public boolean hasRole(long roleId) {
        for (long id : roleIds) {
            if (id == roleId) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberRecord that
                && guildId == that.guildId
                && user.equals(that.user)
                && Objects.equals(nick, that.nick)
                && Objects.equals(joinedAt, that.joinedAt)
                && Arrays.equals(roleIds, that.roleIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(guildId, user, nick, joinedAt, Arrays.hashCode(roleIds));
    }

    @Override
    public String toString() {
        return "MemberRecord[guildId=" + guildId + ", user=" + user + ", nick=" + nick + ", joinedAt=" + joinedAt
                + ", roleIds=" + Arrays.toString(roleIds) + "]";
    }
}
