package one.derailed.gateway.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * GatewayStore is every read the gateway makes of the Derailed database, and the token check.
 *
 * <p>Blocking JDBC: each call borrows one pooled connection for a few short PreparedStatements and returns it, so
 * call it off actor and event-loop threads (the Ready workers' dispatcher), never from inside an actor. Thread-safe.
 * Database failures surface as {@link StoreException}. The SQL is the same for H2 and PostgreSQL.
 */
public final class GatewayStore {

    /** The status of a user without a {@code settings} row. */
    public static final String DEFAULT_STATUS = "online";

    private static final char LIKE_ESCAPE = '!';

    private static final String USER_BY_ID = "SELECT " + Rows.USER_COLUMNS + " FROM users u WHERE u.id = ?";
    private static final String USER_AND_PASSWORD_BY_ID =
            "SELECT " + Rows.USER_COLUMNS + ", u.password FROM users u WHERE u.id = ?";
    private static final String PASSWORD_BY_ID = "SELECT password FROM users WHERE id = ?";
    private static final String STATUS_BY_USER = "SELECT status FROM settings WHERE user_id = ?";
    private static final String ACTIVITIES_BY_USER =
            "SELECT type, created_at, content FROM activities WHERE user_id = ? ORDER BY created_at, type";
    private static final String GUILD_BY_ID = "SELECT " + Rows.GUILD_COLUMNS + " FROM guilds WHERE id = ?";
    private static final String ROLES_BY_GUILD =
            "SELECT " + Rows.ROLE_COLUMNS + " FROM roles WHERE guild_id = ? ORDER BY position, id";
    private static final String CHANNELS_BY_GUILD =
            "SELECT " + Rows.CHANNEL_COLUMNS + " FROM channels WHERE guild_id = ? ORDER BY position, id";
    private static final String MEMBER_COUNT = "SELECT COUNT(*) FROM members WHERE guild_id = ?";

    private static final String MEMBER_JOINS = " JOIN users u ON u.id = m.user_id"
            + " LEFT JOIN member_roles mr ON mr.guild_id = m.guild_id AND mr.user_id = m.user_id";
    private static final String MEMBERS_OF_USER = "SELECT " + Rows.MEMBER_COLUMNS + " FROM members m" + MEMBER_JOINS
            + " WHERE m.user_id = ? ORDER BY m.guild_id, mr.role_id";
    /** A page of a user's memberships in the guilds one shard owns ({@code (guild_id >> 22) % count = id}). */
    private static final String MEMBERSHIPS_PAGE = "SELECT " + Rows.MEMBER_COLUMNS
            + " FROM (SELECT pm.guild_id, pm.user_id, pm.nick, pm.joined_at FROM members pm"
            + " WHERE pm.user_id = ? AND pm.guild_id > ? AND MOD(pm.guild_id / 4194304, ?) = ?"
            + " ORDER BY pm.guild_id LIMIT ?) m" + MEMBER_JOINS + " ORDER BY m.guild_id, mr.role_id";
    private static final String MEMBER = "SELECT " + Rows.MEMBER_COLUMNS + " FROM members m" + MEMBER_JOINS
            + " WHERE m.guild_id = ? AND m.user_id = ? ORDER BY mr.role_id";
    private static final String MEMBERS_BY_IDS = "SELECT " + Rows.MEMBER_COLUMNS + " FROM members m" + MEMBER_JOINS
            + " WHERE m.guild_id = ? AND m.user_id = ANY (?) ORDER BY m.user_id, mr.role_id";
    private static final String MATCHING_MEMBERS = "SELECT sm.guild_id, sm.user_id, sm.nick, sm.joined_at"
            + " FROM members sm JOIN users su ON su.id = sm.user_id"
            + " WHERE sm.guild_id = ?"
            + " AND (LOWER(su.username) LIKE ? ESCAPE '" + LIKE_ESCAPE + "'"
            + " OR LOWER(sm.nick) LIKE ? ESCAPE '" + LIKE_ESCAPE + "')"
            + " ORDER BY su.username, su.id";
    private static final String SEARCH_MEMBERS = "SELECT " + Rows.MEMBER_COLUMNS
            + " FROM (" + MATCHING_MEMBERS + ") m" + MEMBER_JOINS + " ORDER BY u.username, u.id, mr.role_id";
    private static final String SEARCH_MEMBERS_LIMITED = "SELECT " + Rows.MEMBER_COLUMNS
            + " FROM (" + MATCHING_MEMBERS + " LIMIT ?) m" + MEMBER_JOINS + " ORDER BY u.username, u.id, mr.role_id";

    private static final String MEMBERS_AFTER = "SELECT " + Rows.MEMBER_COLUMNS
            + " FROM (SELECT pm.guild_id, pm.user_id, pm.nick, pm.joined_at FROM members pm"
            + " WHERE pm.guild_id = ? AND pm.user_id > ? ORDER BY pm.user_id LIMIT ?) m" + MEMBER_JOINS
            + " ORDER BY m.user_id, mr.role_id";

    private final DataSource dataSource;

    public GatewayStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Checks a token against its user's current password: {@link Authentication.Authenticated} with the user, or
     * {@link Authentication.Rejected} with why (malformed token, unknown user, invalid signature, user suspended).
     */
    public Authentication authenticate(String token) {
        OptionalLong userId = Tokens.userIdOf(token);
        if (userId.isEmpty()) {
            return new Authentication.Rejected(Authentication.Rejected.MALFORMED);
        }
        return call("authenticate", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(USER_AND_PASSWORD_BY_ID)) {
                statement.setLong(1, userId.getAsLong());
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return new Authentication.Rejected(Authentication.Rejected.UNKNOWN_USER);
                    }
                    UserRecord user = Rows.user(rs, 1);
                    if (!Tokens.verify(token, rs.getString(11))) {
                        return new Authentication.Rejected(Authentication.Rejected.INVALID_SIGNATURE);
                    }
                    if (user.suspended()) {
                        return new Authentication.Rejected(Authentication.Rejected.SUSPENDED);
                    }
                    return new Authentication.Authenticated(user);
                }
            }
        });
    }

    /** The user with this id, if there is one. */
    public Optional<UserRecord> findUser(long userId) {
        return call("findUser", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(USER_BY_ID)) {
                statement.setLong(1, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.user(rs, 1)) : Optional.empty();
                }
            }
        });
    }

    /** A valid token for the user, signed now with their current password; empty when there is no such user. */
    public Optional<String> issueToken(long userId) {
        return call("issueToken", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(PASSWORD_BY_ID)) {
                statement.setLong(1, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(Tokens.sign(userId, rs.getString(1), Instant.now().getEpochSecond()));
                }
            }
        });
    }

    /** The status the user chose ({@code settings.status}), or {@value #DEFAULT_STATUS} when they have no settings. */
    public String statusOf(long userId) {
        return call("statusOf", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(STATUS_BY_USER)) {
                statement.setLong(1, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? rs.getString(1) : DEFAULT_STATUS;
                }
            }
        });
    }

    /** The user's activities, oldest first. */
    public List<ActivityRecord> activitiesOf(long userId) {
        return call("activitiesOf", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(ACTIVITIES_BY_USER)) {
                statement.setLong(1, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    List<ActivityRecord> activities = new ArrayList<>();
                    while (rs.next()) {
                        activities.add(Rows.activity(rs));
                    }
                    return activities;
                }
            }
        });
    }

    /** Every guild membership of the user, with role ids, ordered by guild id (one query). */
    public List<MemberRecord> membershipsOf(long userId) {
        return call("membershipsOf", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(MEMBERS_OF_USER)) {
                statement.setLong(1, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs);
                }
            }
        });
    }

    /**
     * The next {@code limit} memberships of the user after guild {@code afterGuildId} (0: from the first), in the
     * guilds shard {@code shardId} of {@code shardCount} owns, ordered by guild id, with role ids.
     */
    public List<MemberRecord> membershipsPage(long userId, int shardId, int shardCount, long afterGuildId,
                                              int limit) {
        return call("membershipsPage", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(MEMBERSHIPS_PAGE)) {
                statement.setLong(1, userId);
                statement.setLong(2, afterGuildId);
                statement.setInt(3, shardCount);
                statement.setInt(4, shardId);
                statement.setInt(5, limit);
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs);
                }
            }
        });
    }

    /**
     * The guild with its roles and channels (each ordered by position, then id) and its member count; empty when
     * there is no such guild.
     */
    public Optional<GuildSnapshot> loadGuild(long guildId) {
        return call("loadGuild", connection -> {
            GuildRecord guild;
            try (PreparedStatement statement = connection.prepareStatement(GUILD_BY_ID)) {
                statement.setLong(1, guildId);
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    guild = Rows.guild(rs);
                }
            }
            List<RoleRecord> roles = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(ROLES_BY_GUILD)) {
                statement.setLong(1, guildId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        roles.add(Rows.role(rs));
                    }
                }
            }
            List<ChannelRecord> channels = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(CHANNELS_BY_GUILD)) {
                statement.setLong(1, guildId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        channels.add(Rows.channel(rs));
                    }
                }
            }
            long memberCount;
            try (PreparedStatement statement = connection.prepareStatement(MEMBER_COUNT)) {
                statement.setLong(1, guildId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    memberCount = rs.getLong(1);
                }
            }
            return Optional.of(new GuildSnapshot(guild, roles, channels, memberCount));
        });
    }

    /** The user's membership of the guild, with role ids, if they are a member. */
    public Optional<MemberRecord> findMember(long guildId, long userId) {
        return call("findMember", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(MEMBER)) {
                statement.setLong(1, guildId);
                statement.setLong(2, userId);
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs).stream().findFirst();
                }
            }
        });
    }

    /**
     * The members of the guild among {@code userIds}, with role ids, ordered by user id (one query); ids that are not
     * members are left out, duplicates count once.
     */
    public List<MemberRecord> findMembers(long guildId, long[] userIds) {
        if (userIds.length == 0) {
            return List.of();
        }
        return call("findMembers", connection -> {
            Long[] ids = new Long[userIds.length];
            for (int i = 0; i < userIds.length; i++) {
                ids[i] = userIds[i];
            }
            Array array = connection.createArrayOf("BIGINT", ids);
            try (PreparedStatement statement = connection.prepareStatement(MEMBERS_BY_IDS)) {
                statement.setLong(1, guildId);
                statement.setArray(2, array);
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs);
                }
            } finally {
                array.free();
            }
        });
    }

    /**
     * The members of the guild whose username or nick starts with {@code prefix}, ignoring case (the prefix is
     * literal: {@code %} and {@code _} match only themselves), ordered by username then user id, at most
     * {@code limit} of them ({@code 0} for all). An empty prefix matches every member.
     */
    public List<MemberRecord> searchMembers(long guildId, String prefix, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        String pattern = likePrefix(prefix);
        return call("searchMembers", connection -> {
            try (PreparedStatement statement =
                         connection.prepareStatement(limit == 0 ? SEARCH_MEMBERS : SEARCH_MEMBERS_LIMITED)) {
                statement.setLong(1, guildId);
                statement.setString(2, pattern);
                statement.setString(3, pattern);
                if (limit > 0) {
                    statement.setInt(4, limit);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs);
                }
            }
        });
    }

    /** How many members the guild has. */
    public int countMembers(long guildId) {
        return call("countMembers", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(MEMBER_COUNT)) {
                statement.setLong(1, guildId);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * At most {@code limit} members of the guild whose user id is above {@code afterUserId}, by user id: one page of
     * the whole member list, the next page starting after this page's last id (0 for the first page).
     */
    public List<MemberRecord> membersAfter(long guildId, long afterUserId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return call("membersAfter", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(MEMBERS_AFTER)) {
                statement.setLong(1, guildId);
                statement.setLong(2, afterUserId);
                statement.setInt(3, limit);
                try (ResultSet rs = statement.executeQuery()) {
                    return Rows.members(rs);
                }
            }
        });
    }

    /** The LIKE pattern matching strings that start with {@code prefix}, lower-cased, its wildcards escaped. */
    static String likePrefix(String prefix) {
        String lower = prefix.toLowerCase(Locale.ROOT);
        StringBuilder pattern = new StringBuilder(lower.length() + 8);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                pattern.append(LIKE_ESCAPE);
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    private <T> T call(String operation, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException(operation + " failed", e);
        }
    }

    /** A unit of JDBC work on one borrowed connection. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
