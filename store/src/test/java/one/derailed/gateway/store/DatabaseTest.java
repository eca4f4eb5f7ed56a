package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import one.derailed.gateway.store.testing.AcrossDatabases;
import one.derailed.gateway.store.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    /** REFERENCE.md section 4, in column order. */
    private static final Map<String, List<String>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("users", List.of("id", "username", "discriminator", "email", "password", "flags", "system", "bot",
                "suspended", "avatar", "global_name"));
        TABLES.put("settings", List.of("user_id", "status"));
        TABLES.put("activities", List.of("user_id", "type", "created_at", "content"));
        TABLES.put("guilds", List.of("id", "name", "icon", "owner_id", "flags", "permissions"));
        TABLES.put("roles", List.of("id", "guild_id", "name", "permissions", "position", "color", "hoist",
                "mentionable"));
        TABLES.put("members", List.of("user_id", "guild_id", "nick", "joined_at"));
        TABLES.put("member_roles", List.of("user_id", "guild_id", "role_id"));
        TABLES.put("channels", List.of("id", "guild_id", "type", "name", "position", "parent_id", "topic",
                "last_message_id"));
    }

    @AcrossDatabases
    void migratesToTheReferenceSchema(Supplier<Database> databases) throws SQLException {
        try (Database database = databases.get();
             Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (Map.Entry<String, List<String>> table : TABLES.entrySet()) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table.getKey() + " WHERE 1 = 0")) {
                    assertThat(columns(rs.getMetaData())).as(table.getKey())
                            .containsExactlyElementsOf(table.getValue());
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("1");
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
    }

    @AcrossDatabases
    void indexesWhatTheGatewayLooksUp(Supplier<Database> databases) throws SQLException {
        try (Database database = databases.get(); Connection connection = database.dataSource().getConnection()) {
            assertThat(indexes(connection, "members")).contains(List.of("user_id"), List.of("guild_id"));
            assertThat(indexes(connection, "member_roles")).contains(List.of("guild_id", "user_id"));
            assertThat(indexes(connection, "roles")).contains(List.of("guild_id"));
            assertThat(indexes(connection, "channels")).contains(List.of("guild_id"));
        }
    }

    @AcrossDatabases
    void appliesDefaults(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            data.update("INSERT INTO users (id, username, password) VALUES (1, 'bare', 'pw')");

            assertThat(database.store().findUser(1)).hasValue(
                    new UserRecord(1, "bare", "0", null, 0, false, false, false, null, null));
            assertThatThrownBy(() -> data.setStatus(1, "sleepy")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void keepsAnH2FileAcrossOpensAndMigratesOnce(@TempDir Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("derailed").toAbsolutePath() + ";AUTO_SERVER=FALSE";
        DatabaseSettings settings = new DatabaseSettings(url, "sa", "", 2, true);
        long ada;
        try (Database database = Database.open(settings)) {
            ada = TestData.of(database).createUser("ada");
        }
        try (Database database = Database.open(settings)) {
            assertThat(database.store().findUser(ada)).isPresent();
            assertThat(TestData.of(database).queryLong(
                    "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL")).isEqualTo(1);
        }
    }

    @Test
    void poolsAtMostMaxPoolSizeConnectionsUnderItsName() throws SQLException {
        DatabaseSettings settings = new DatabaseSettings("jdbc:h2:mem:pooled;DB_CLOSE_DELAY=-1", "sa", "", 3, true);
        try (Database database = Database.open(settings)) {
            HikariDataSource pool = database.dataSource().unwrap(HikariDataSource.class);

            assertThat(pool.getPoolName()).isEqualTo("derailed-store");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
        }
    }

    @Test
    void leavesTheSchemaAloneWithoutMigrate() throws SQLException {
        DatabaseSettings settings = new DatabaseSettings("jdbc:h2:mem:unmigrated;DB_CLOSE_DELAY=-1", "sa", "", 1,
                false);
        try (Database database = Database.open(settings)) {
            assertThat(tableNames(database.dataSource())).isEmpty();
        }
    }

    @Test
    void failsToOpenWhatItCannotReach() {
        DatabaseSettings settings = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/nothing", "x", "y", 1, true);

        assertThatThrownBy(() -> Database.open(settings)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void keepsThePasswordOutOfToString() {
        assertThat(new DatabaseSettings("jdbc:h2:mem:x", "sa", "hunter2", 1, true).toString())
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:h2:mem:x", null, null, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> columns(ResultSetMetaData metaData) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= metaData.getColumnCount(); i++) {
            columns.add(metaData.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return columns;
    }

    /** The column lists of the table's indexes (the primary key's included). */
    private static List<List<String>> indexes(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String name = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
        Map<String, List<String>> indexes = new LinkedHashMap<>();
        try (ResultSet rs = metaData.getIndexInfo(null, null, name, false, false)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                if (index == null) {
                    continue;
                }
                List<String> columns = indexes.computeIfAbsent(index, key -> new ArrayList<>());
                int position = rs.getShort("ORDINAL_POSITION");
                while (columns.size() < position) {
                    columns.add(null);
                }
                columns.set(position - 1, rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return new ArrayList<>(indexes.values());
    }

    private static List<String> tableNames(DataSource dataSource) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             ResultSet rs = connection.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
