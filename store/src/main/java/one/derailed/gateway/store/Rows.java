package one.derailed.gateway.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows is the SQL column lists of the store's records and the mapping of result rows onto them, kept in one place so
 * every query selects the same columns in the same order.
 */
final class Rows {

    /** The columns of {@link UserRecord}, on a {@code users} table aliased {@code u}; 10 columns. */
    static final String USER_COLUMNS = "u.id, u.username, u.discriminator, u.email, u.flags, u.system, u.bot,"
            + " u.suspended, u.avatar, u.global_name";

    static final String GUILD_COLUMNS = "id, name, icon, owner_id, flags, permissions";

    static final String ROLE_COLUMNS = "id, guild_id, name, permissions, position, color, hoist, mentionable";

    static final String CHANNEL_COLUMNS = "id, guild_id, type, name, position, parent_id, topic, last_message_id";

    /**
     * The columns {@link #members} reads: a member row aliased {@code m}, its user {@code u} and one of its role ids
     * from a {@code member_roles} row aliased {@code mr} (null when it has none).
     */
    static final String MEMBER_COLUMNS = "m.guild_id, m.nick, m.joined_at, " + USER_COLUMNS + ", mr.role_id";

    private static final int MEMBER_USER_OFFSET = 4;
    private static final int MEMBER_ROLE_COLUMN = 14;

    private Rows() {
    }

    /** The user whose {@link #USER_COLUMNS} start at column {@code first}. */
    static UserRecord user(ResultSet rs, int first) throws SQLException {
        return new UserRecord(
                rs.getLong(first),
                rs.getString(first + 1),
                rs.getString(first + 2),
                rs.getString(first + 3),
                rs.getInt(first + 4),
                rs.getBoolean(first + 5),
                rs.getBoolean(first + 6),
                rs.getBoolean(first + 7),
                rs.getString(first + 8),
                rs.getString(first + 9));
    }

    static GuildRecord guild(ResultSet rs) throws SQLException {
        return new GuildRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6));
    }

    static RoleRecord role(ResultSet rs) throws SQLException {
        return new RoleRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                rs.getInt(6), rs.getBoolean(7), rs.getBoolean(8));
    }

    static ChannelRecord channel(ResultSet rs) throws SQLException {
        return new ChannelRecord(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                nullableLong(rs, 6), rs.getString(7), nullableLong(rs, 8));
    }

    static ActivityRecord activity(ResultSet rs) throws SQLException {
        return new ActivityRecord(rs.getInt(1), instant(rs, 2), rs.getString(3));
    }

    /**
     * The members of a result of {@link #MEMBER_COLUMNS} rows, one row per (member, role) and the rows of a member
     * next to each other (order by the member first); the members keep the order of the rows.
     */
    static List<MemberRecord> members(ResultSet rs) throws SQLException {
        List<MemberRecord> members = new ArrayList<>();
        PendingMember pending = null;
        while (rs.next()) {
            long guildId = rs.getLong(1);
            long userId = rs.getLong(MEMBER_USER_OFFSET);
            if (pending == null || pending.guildId != guildId || pending.user.id() != userId) {
                if (pending != null) {
                    members.add(pending.build());
                }
                pending = new PendingMember(guildId, user(rs, MEMBER_USER_OFFSET), rs.getString(2), instant(rs, 3));
            }
            long roleId = rs.getLong(MEMBER_ROLE_COLUMN);
            if (!rs.wasNull()) {
                pending.addRole(roleId);
            }
        }
        if (pending != null) {
            members.add(pending.build());
        }
        return members;
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A member whose role rows are still being read. */
    private static final class PendingMember {
        private final long guildId;
        private final UserRecord user;
        private final String nick;
        private final Instant joinedAt;
        private long[] roleIds = new long[4];
        private int roleCount;

        PendingMember(long guildId, UserRecord user, String nick, Instant joinedAt) {
            this.guildId = guildId;
            this.user = user;
            this.nick = nick;
            this.joinedAt = joinedAt;
        }

        void addRole(long roleId) {
            if (roleCount == roleIds.length) {
                roleIds = Arrays.copyOf(roleIds, roleCount * 2);
            }
            roleIds[roleCount++] = roleId;
        }

        MemberRecord build() {
            long[] roles = Arrays.copyOf(roleIds, roleCount);
            Arrays.sort(roles);
            return new MemberRecord(guildId, user, nick, joinedAt, roles);
        }
    }
}
