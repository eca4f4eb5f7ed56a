package one.derailed.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Database is an open connection pool to the Derailed database (H2 or PostgreSQL) with its {@link GatewayStore}.
 * {@link #open} creates the pool and, when asked, brings the schema up to date from {@code classpath:db/migration};
 * {@link #close} closes the pool.
 */
public final class Database implements AutoCloseable {

    /** The name of the connection pool, as it appears in logs and metrics. */
    public static final String POOL_NAME = "derailed-store";

    /** Where the schema migrations live, the same files for H2 and PostgreSQL. */
    public static final String MIGRATIONS = "classpath:db/migration";
    private static final String H2_BIND_ADDRESS = "h2.bindAddress";

    private final HikariDataSource dataSource;
    private final GatewayStore store;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new GatewayStore(dataSource);
    }

    /**
     * Opens a pool of at most {@code settings.maxPoolSize()} connections and migrates the schema when
     * {@code settings.migrate()} is true.
     *
     * @throws RuntimeException when the database cannot be reached or a migration fails (the pool is closed then)
     */
    public static Database open(DatabaseSettings settings) {
        keepEmbeddedServerOnLoopback(settings.url());
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maxPoolSize()));
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            if (settings.migrate()) {
                migrate(dataSource);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /** The pooled data source, for callers that need plain JDBC (the demo seeder, tests). */
    /**
     * H2's AUTO_SERVER mode (the embedded default, so that `derailed token` can read the database while the gateway
     * runs) listens on every interface unless told otherwise; the gateway keeps it on loopback. An operator who sets
     * {@code -Dh2.bindAddress} decides for themselves.
     */
    private static void keepEmbeddedServerOnLoopback(String url) {
        if (url.startsWith("jdbc:h2:") && System.getProperty(H2_BIND_ADDRESS) == null) {
            System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The gateway's reads over this database. */
    public GatewayStore store() {
        return store;
    }

    /** Closes every pooled connection; the store fails afterwards. */
    @Override
    public void close() {
        dataSource.close();
    }
}
