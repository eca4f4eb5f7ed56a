package one.derailed.gateway.store.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.Snowflakes;
import one.derailed.gateway.store.Tokens;

/**
 * TestData writes rows for tests with real INSERTs, as the Derailed API would: users with random passwords, guilds
 * (each with its @everyone role, whose id is the guild's, and a "general" text channel), roles, channels, members.
 * Ids come from {@link Snowflakes}. Failures are thrown as {@link IllegalStateException}.
 */
public final class TestData {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int PASSWORD_LENGTH = 32;

    private final DataSource dataSource;

    public TestData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** TestData over the database's data source. */
    public static TestData of(Database database) {
        return new TestData(database.dataSource());
    }

    /** Inserts a user with a random password; returns its id. */
    public long createUser(String username) {
        return insertUser(username, false);
    }

    /** Inserts a bot user with a random password; returns its id. */
    public long createBot(String username) {
        return insertUser(username, true);
    }

    /** Marks the user suspended. */
    public void suspend(long userId) {
        update("UPDATE users SET suspended = TRUE WHERE id = ?", userId);
    }

    /** Sets the user's settings.status (online, idle, dnd, invisible), creating the row if needed. */
    public void setStatus(long userId, String status) {
        update("DELETE FROM settings WHERE user_id = ?", userId);
        update("INSERT INTO settings (user_id, status) VALUES (?, ?)", userId, status);
    }

    /** Gives the user a new random password, which revokes their tokens. */
    public void changePassword(long userId) {
        update("UPDATE users SET password = ? WHERE id = ?", randomPassword(), userId);
    }

    /** A token for the user, signed now with their stored password. */
    public String tokenFor(long userId) {
        String password = queryString("SELECT password FROM users WHERE id = ?", userId);
        return Tokens.sign(userId, password, Instant.now().getEpochSecond());
    }

    /** Adds an activity to the user, made now; returns when it was made (to the microsecond, as stored). */
    public Instant addActivity(long userId, int type, String content) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        update("INSERT INTO activities (user_id, type, created_at, content) VALUES (?, ?, ?, ?)",
                userId, type, now.atOffset(ZoneOffset.UTC), content);
        return now;
    }

    /**
     * Inserts a guild owned by {@code ownerId} (who is not made a member) with its @everyone role (id = the guild's
     * id, position 0) and a text channel "general" (position 0); returns the guild's id.
     */
    public long createGuild(String name, long ownerId) {
        long id = Snowflakes.next();
        update("INSERT INTO guilds (id, name, owner_id) VALUES (?, ?, ?)", id, name, ownerId);
        update("INSERT INTO roles (id, guild_id, name, position) VALUES (?, ?, '@everyone', 0)", id, id);
        createChannel(id, "general");
        return id;
    }

    /** Inserts a text channel (type 0) after the guild's other channels; returns its id. */
    public long createChannel(long guildId, String name) {
        long id = Snowflakes.next();
        int position = (int) queryLong("SELECT COUNT(*) FROM channels WHERE guild_id = ?", guildId);
        update("INSERT INTO channels (id, guild_id, type, name, position) VALUES (?, ?, 0, ?, ?)",
                id, guildId, name, position);
        return id;
    }

    /** Inserts a role above the guild's other roles; returns its id. */
    public long createRole(long guildId, String name) {
        long id = Snowflakes.next();
        int position = (int) queryLong("SELECT COUNT(*) FROM roles WHERE guild_id = ?", guildId);
        update("INSERT INTO roles (id, guild_id, name, position) VALUES (?, ?, ?, ?)", id, guildId, name, position);
        return id;
    }

    /** Makes the user a member of the guild, joined now, without a nick. */
    public void addMember(long guildId, long userId) {
        addMember(guildId, userId, null);
    }

    /** Makes the user a member of the guild, joined now, with {@code nick} (may be null). */
    public void addMember(long guildId, long userId, String nick) {
        update("INSERT INTO members (user_id, guild_id, nick) VALUES (?, ?, ?)", userId, guildId, nick);
    }

    /** Removes the user from the guild, with their roles there. */
    public void removeMember(long guildId, long userId) {
        update("DELETE FROM member_roles WHERE guild_id = ? AND user_id = ?", guildId, userId);
        update("DELETE FROM members WHERE guild_id = ? AND user_id = ?", guildId, userId);
    }

    /** Gives the member the role. */
    public void giveRole(long guildId, long userId, long roleId) {
        update("INSERT INTO member_roles (user_id, guild_id, role_id) VALUES (?, ?, ?)", userId, guildId, roleId);
    }

    /** Runs one INSERT, UPDATE or DELETE with these parameters; returns how many rows it changed. */
    public int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("test data: " + sql, e);
        }
    }

    /** The number the query selects (e.g. a COUNT). */
    public long queryLong(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("test data: no row for " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("test data: " + sql, e);
        }
    }

    private String queryString(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("test data: no row for " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("test data: " + sql, e);
        }
    }

    private long insertUser(String username, boolean bot) {
        long id = Snowflakes.next();
        update("INSERT INTO users (id, username, email, password, bot) VALUES (?, ?, ?, ?, ?)",
                id, username, bot ? null : username + "@test.example", randomPassword(), bot);
        return id;
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] == null) {
                    statement.setNull(i + 1, Types.VARCHAR);
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private static String randomPassword() {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }
}
