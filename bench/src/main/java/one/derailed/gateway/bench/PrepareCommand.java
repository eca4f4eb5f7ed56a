package one.derailed.gateway.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import one.derailed.gateway.store.Snowflakes;
import one.derailed.gateway.store.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * prepare: inserts N users and G guilds (user i joins guild i mod G) into the gateway's database and writes their
 * tokens ({@code user_id<TAB>token<TAB>guild_id}) for the scenarios. Each guild gets its @everyone role and one text
 * channel. Run it before the gateway starts when the database is an H2 file without AUTO_SERVER.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Insert N users in G guilds into the gateway's database (H2 or PostgreSQL, by JDBC URL) and"
                + " write their tokens file.")
final class PrepareCommand implements Callable<Integer> {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final long EVERYONE_PERMISSIONS = 104_324_673L;

    @Option(names = "--db-url", required = true,
            description = "JDBC URL of the gateway's database, e.g. jdbc:h2:file:/tmp/derailed-bench/db or"
                    + " jdbc:postgresql://127.0.0.1:5432/derailed.")
    String url;

    @Option(names = "--db-user", defaultValue = "sa", description = "Default: ${DEFAULT-VALUE}.")
    String user;

    @Option(names = "--db-password", defaultValue = "", description = "Default: empty.")
    String password;

    @Option(names = "--migrate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Apply the gateway's schema migrations first (--no-migrate when the API owns the schema)."
                    + " Default: on.")
    boolean migrate;

    @Option(names = {"-n", "--users"}, defaultValue = "2000", description = "Users. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = {"-g", "--guilds"}, defaultValue = "1", description = "Guilds. Default: ${DEFAULT-VALUE}.")
    int guilds;

    @Option(names = "--out", defaultValue = "bench-tokens.tsv",
            description = "Tokens file to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--batch", defaultValue = "1000", description = "Rows per batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (users < 1 || guilds < 1 || guilds > users) {
            throw new IllegalArgumentException("need 1 <= guilds <= users");
        }
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db-url must be an H2 or PostgreSQL JDBC URL");
        }
        long started = System.nanoTime();
        SecureRandom random = new SecureRandom();
        long[] userIds = new long[users];
        String[] secrets = new String[users];
        long[] guildIds = new long[guilds];
        for (int i = 0; i < users; i++) {
            userIds[i] = Snowflakes.next();
            secrets[i] = secret(random);
        }
        for (int g = 0; g < guilds; g++) {
            guildIds[g] = Snowflakes.next();
        }
        try (Database database = Database.open(new DatabaseSettings(url, user, password, 2, migrate));
             Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            insertUsers(connection, userIds, secrets);
            insertGuilds(connection, guildIds, userIds);
            insertMembers(connection, guildIds, userIds);
        }
        long now = System.currentTimeMillis() / 1000;
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            writer.write("# user_id\ttoken\tguild_id (derailed-bench prepare, " + users + " users, " + guilds
                    + " guilds)\n");
            for (int i = 0; i < users; i++) {
                writer.write(userIds[i] + "\t" + Tokens.sign(userIds[i], secrets[i], now) + "\t"
                        + guildIds[i % guilds] + "\n");
            }
        }
        System.out.printf("prepared %d users in %d guilds (%d members each) in %.1f s; tokens in %s%n", users, guilds,
                (users + guilds - 1) / guilds, (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
        return 0;
    }

    private void insertUsers(Connection connection, long[] ids, String[] secrets) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO users (id, username,"
                + " discriminator, email, password, flags, system, bot, suspended, avatar, global_name)"
                + " VALUES (?, ?, '0', ?, ?, 0, FALSE, FALSE, FALSE, NULL, ?)")) {
            for (int i = 0; i < ids.length; i++) {
                String name = "bench" + Long.toString(ids[i], 36);
                statement.setLong(1, ids[i]);
                statement.setString(2, name);
                statement.setString(3, name + "@bench.invalid");
                statement.setString(4, secrets[i]);
                statement.setString(5, "Bench " + i);
                statement.addBatch();
                flush(connection, statement, i);
            }
            statement.executeBatch();
            connection.commit();
        }
    }

    private void insertGuilds(Connection connection, long[] guildIds, long[] userIds) throws SQLException {
        try (PreparedStatement guild = connection.prepareStatement("INSERT INTO guilds (id, name, icon, owner_id,"
                + " flags, permissions) VALUES (?, ?, NULL, ?, 0, ?)");
             PreparedStatement role = connection.prepareStatement("INSERT INTO roles (id, guild_id, name,"
                     + " permissions, position, color, hoist, mentionable) VALUES (?, ?, '@everyone', ?, 0, 0, FALSE,"
                     + " FALSE)");
             PreparedStatement channel = connection.prepareStatement("INSERT INTO channels (id, guild_id, type, name,"
                     + " position, parent_id, topic, last_message_id) VALUES (?, ?, 0, 'general', 0, NULL, NULL,"
                     + " NULL)")) {
            for (int g = 0; g < guildIds.length; g++) {
                guild.setLong(1, guildIds[g]);
                guild.setString(2, "Bench guild " + g);
                guild.setLong(3, userIds[g]);
                guild.setLong(4, EVERYONE_PERMISSIONS);
                guild.addBatch();
                role.setLong(1, guildIds[g]);
                role.setLong(2, guildIds[g]);
                role.setLong(3, EVERYONE_PERMISSIONS);
                role.addBatch();
                channel.setLong(1, Snowflakes.next());
                channel.setLong(2, guildIds[g]);
                channel.addBatch();
                if ((g + 1) % batch == 0) {
                    guild.executeBatch();
                    role.executeBatch();
                    channel.executeBatch();
                    connection.commit();
                }
            }
            guild.executeBatch();
            role.executeBatch();
            channel.executeBatch();
            connection.commit();
        }
    }

    private void insertMembers(Connection connection, long[] guildIds, long[] userIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO members (user_id, guild_id, nick) VALUES (?, ?, NULL)")) {
            for (int i = 0; i < userIds.length; i++) {
                statement.setLong(1, userIds[i]);
                statement.setLong(2, guildIds[i % guildIds.length]);
                statement.addBatch();
                flush(connection, statement, i);
            }
            statement.executeBatch();
            connection.commit();
        }
    }

    private void flush(Connection connection, PreparedStatement statement, int i) throws SQLException {
        if ((i + 1) % batch == 0) {
            statement.executeBatch();
            connection.commit();
        }
    }

    private static String secret(SecureRandom random) {
        char[] chars = new char[32];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }
}
