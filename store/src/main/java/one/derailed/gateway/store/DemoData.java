package one.derailed.gateway.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * DemoData fills an empty database with a small world to try the gateway on: four users (ada, linus, grace, ken), two
 * guilds ("Derailed HQ" with all four, "Side Project" with linus and ken), each with an @everyone role, a moderator
 * role, a category, two text channels and a voice channel. Each user gets a random 32-character password column, so
 * each has their own tokens ({@code derailed token}).
 */
public final class DemoData {

    /** Discord's default permissions for @everyone (view channels, send messages, connect, speak, ...). */
    public static final long EVERYONE_PERMISSIONS = 104_324_673L;

    /** Administrator, the moderator role's permission. */
    public static final long MODERATOR_PERMISSIONS = 0x8L;

    private static final int PASSWORD_LENGTH = 32;
    private static final String PASSWORD_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String INSERT_USER = "INSERT INTO users (id, username, discriminator, email, password,"
            + " flags, system, bot, suspended, avatar, global_name)"
            + " VALUES (?, ?, ?, ?, ?, 0, FALSE, FALSE, FALSE, NULL, ?)";
    private static final String INSERT_SETTINGS = "INSERT INTO settings (user_id, status) VALUES (?, ?)";
    private static final String INSERT_GUILD =
            "INSERT INTO guilds (id, name, icon, owner_id, flags, permissions) VALUES (?, ?, NULL, ?, 0, ?)";
    private static final String INSERT_ROLE = "INSERT INTO roles (id, guild_id, name, permissions, position, color,"
            + " hoist, mentionable) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_CHANNEL = "INSERT INTO channels (id, guild_id, type, name, position, parent_id,"
            + " topic, last_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)";
    private static final String INSERT_MEMBER = "INSERT INTO members (user_id, guild_id, nick) VALUES (?, ?, ?)";
    private static final String INSERT_MEMBER_ROLE =
            "INSERT INTO member_roles (user_id, guild_id, role_id) VALUES (?, ?, ?)";

    private static final int TEXT = 0;
    private static final int VOICE = 2;
    private static final int CATEGORY = 4;

    private DemoData() {
    }

    /**
     * Seeds the demo in one transaction when {@code users} is empty, and returns the users it made; returns an empty
     * list, touching nothing, when there already are users.
     *
     * @throws StoreException when the database fails (nothing is seeded then)
     */
    public static List<UserRecord> seedIfEmpty(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<UserRecord> users = hasUsers(connection) ? List.of() : seed(connection);
                connection.commit();
                return users;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("seeding the demo data failed", e);
        }
    }

    private static boolean hasUsers(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM users")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static List<UserRecord> seed(Connection connection) throws SQLException {
        UserRecord ada = user(connection, "ada", "Ada Lovelace");
        UserRecord linus = user(connection, "linus", "Linus Torvalds");
        UserRecord grace = user(connection, "grace", "Grace Hopper");
        UserRecord ken = user(connection, "ken", "Ken Thompson");
        settings(connection, linus.id(), "idle");
        settings(connection, ken.id(), "invisible");

        long hq = guild(connection, "Derailed HQ", ada.id());
        member(connection, hq, ada.id(), null);
        member(connection, hq, linus.id(), null);
        member(connection, hq, grace.id(), "Amazing Grace");
        member(connection, hq, ken.id(), null);
        memberRole(connection, hq, grace.id(), role(connection, hq, "moderator"));

        long side = guild(connection, "Side Project", linus.id());
        member(connection, side, linus.id(), null);
        member(connection, side, ken.id(), null);
        memberRole(connection, side, ken.id(), role(connection, side, "moderator"));

        return List.of(ada, linus, grace, ken);
    }

    private static UserRecord user(Connection connection, String username, String globalName) throws SQLException {
        long id = Snowflakes.next();
        String email = username + "@derailed.example";
        try (PreparedStatement statement = connection.prepareStatement(INSERT_USER)) {
            statement.setLong(1, id);
            statement.setString(2, username);
            statement.setString(3, "0");
            statement.setString(4, email);
            statement.setString(5, randomPassword());
            statement.setString(6, globalName);
            statement.executeUpdate();
        }
        return new UserRecord(id, username, "0", email, 0, false, false, false, null, globalName);
    }

    private static void settings(Connection connection, long userId, String status) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_SETTINGS)) {
            statement.setLong(1, userId);
            statement.setString(2, status);
            statement.executeUpdate();
        }
    }

    /** Inserts the guild with its @everyone role and its channels; returns its id. */
    private static long guild(Connection connection, String name, long ownerId) throws SQLException {
        long id = Snowflakes.next();
        try (PreparedStatement statement = connection.prepareStatement(INSERT_GUILD)) {
            statement.setLong(1, id);
            statement.setString(2, name);
            statement.setLong(3, ownerId);
            statement.setLong(4, EVERYONE_PERMISSIONS);
            statement.executeUpdate();
        }
        insertRole(connection, id, id, "@everyone", EVERYONE_PERMISSIONS, 0, 0, false);
        long category = channel(connection, id, CATEGORY, "Channels", 0, null, null);
        channel(connection, id, TEXT, "general", 1, category, "Say hello");
        channel(connection, id, TEXT, "random", 2, category, null);
        channel(connection, id, VOICE, "Lounge", 3, category, null);
        return id;
    }

    private static long role(Connection connection, long guildId, String name) throws SQLException {
        long id = Snowflakes.next();
        insertRole(connection, id, guildId, name, MODERATOR_PERMISSIONS, 1, 0x3498DB, true);
        return id;
    }

    private static void insertRole(Connection connection, long id, long guildId, String name, long permissions,
                                   int position, int color, boolean hoist) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ROLE)) {
            statement.setLong(1, id);
            statement.setLong(2, guildId);
            statement.setString(3, name);
            statement.setLong(4, permissions);
            statement.setInt(5, position);
            statement.setInt(6, color);
            statement.setBoolean(7, hoist);
            statement.setBoolean(8, false);
            statement.executeUpdate();
        }
    }

    private static long channel(Connection connection, long guildId, int type, String name, int position,
                                Long parentId, String topic) throws SQLException {
        long id = Snowflakes.next();
        try (PreparedStatement statement = connection.prepareStatement(INSERT_CHANNEL)) {
            statement.setLong(1, id);
            statement.setLong(2, guildId);
            statement.setInt(3, type);
            statement.setString(4, name);
            statement.setInt(5, position);
            statement.setObject(6, parentId, Types.BIGINT);
            statement.setString(7, topic);
            statement.executeUpdate();
        }
        return id;
    }

    private static void member(Connection connection, long guildId, long userId, String nick) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_MEMBER)) {
            statement.setLong(1, userId);
            statement.setLong(2, guildId);
            statement.setString(3, nick);
            statement.executeUpdate();
        }
    }

    private static void memberRole(Connection connection, long guildId, long userId, long roleId)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_MEMBER_ROLE)) {
            statement.setLong(1, userId);
            statement.setLong(2, guildId);
            statement.setLong(3, roleId);
            statement.executeUpdate();
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
