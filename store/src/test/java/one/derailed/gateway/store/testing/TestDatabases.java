package one.derailed.gateway.store.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import org.junit.jupiter.api.Named;

/**
 * TestDatabases makes fresh, migrated, empty databases for tests: an in-memory H2 one always, and a PostgreSQL one
 * when {@value #PG_URL} names a server (start one with {@code eval "$(bash .ci/postgres.sh)"}). Every call gives a
 * new, uniquely named database, so tests never see each other's rows. Close the {@link Database} when done.
 */
public final class TestDatabases {

    /** The JDBC url of a PostgreSQL server for tests, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}. */
    public static final String PG_URL = "DERAILED_TEST_PG_URL";
    /** The user for {@value #PG_URL}; it must be allowed to create databases. */
    public static final String PG_USER = "DERAILED_TEST_PG_USER";
    /** The password for {@value #PG_URL}. */
    public static final String PG_PASSWORD = "DERAILED_TEST_PG_PASSWORD";

    private static final int POOL_SIZE = 4;
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Pattern PG_DATABASE = Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$");

    /** The migrated database every PostgreSQL test database is copied from, once made. */
    private static String pgTemplate;

    private TestDatabases() {
    }

    /** A new, migrated, empty in-memory H2 database. */
    public static Database h2() {
        String url = "jdbc:h2:mem:" + uniqueName() + ";DB_CLOSE_DELAY=-1";
        return Database.open(new DatabaseSettings(url, "sa", "", POOL_SIZE, true));
    }

    /** Whether {@value #PG_URL} is set, so {@link #postgres()} gives databases. */
    public static boolean postgresAvailable() {
        String url = System.getenv(PG_URL);
        return url != null && !url.isBlank();
    }

    /**
     * A new, migrated, empty PostgreSQL database ({@code CREATE DATABASE derailed_test_...} on the server at
     * {@value #PG_URL}), or empty when that variable is not set. Closing it drops nothing: the server is throwaway.
     * The first call in a JVM migrates a template database; every database is a fast copy of it.
     */
    public static Optional<Database> postgres() {
        if (!postgresAvailable()) {
            return Optional.empty();
        }
        String name = uniqueName();
        execute("CREATE DATABASE " + name + " TEMPLATE " + postgresTemplate());
        return Optional.of(Database.open(postgresSettings(name)));
    }

    private static synchronized String postgresTemplate() {
        if (pgTemplate == null) {
            String name = "derailed_template_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            execute("CREATE DATABASE " + name);
            Database.open(postgresSettings(name)).close();
            pgTemplate = name;
        }
        return pgTemplate;
    }

    private static DatabaseSettings postgresSettings(String database) {
        return new DatabaseSettings(withDatabase(System.getenv(PG_URL).trim(), database), System.getenv(PG_USER),
                System.getenv(PG_PASSWORD), POOL_SIZE, true);
    }

    /** Runs one statement on the database {@value #PG_URL} names. */
    private static void execute(String sql) {
        String url = System.getenv(PG_URL).trim();
        try (Connection connection = DriverManager.getConnection(url, System.getenv(PG_USER),
                System.getenv(PG_PASSWORD));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + sql + " on " + url, e);
        }
    }

    /**
     * The kinds of test database, named "h2" and (when {@value #PG_URL} is set) "postgresql", each a supplier of a
     * new database: the source of {@link AcrossDatabases} tests, or of any {@code @MethodSource}.
     */
    public static List<Named<Supplier<Database>>> all() {
        List<Named<Supplier<Database>>> kinds = new ArrayList<>();
        kinds.add(Named.of("h2", TestDatabases::h2));
        if (postgresAvailable()) {
            kinds.add(Named.of("postgresql", () -> postgres().orElseThrow()));
        }
        return kinds;
    }

    /** {@code url} with its database replaced by {@code database}, keeping its parameters. */
    static String withDatabase(String url, String database) {
        Matcher matcher = PG_DATABASE.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(PG_URL + " is not a jdbc:postgresql://host:port/database url: " + url);
        }
        String parameters = matcher.group(3) == null ? "" : matcher.group(3);
        return matcher.group(1) + database + parameters;
    }

    private static String uniqueName() {
        return "derailed_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + "_"
                + COUNTER.incrementAndGet();
    }
}
