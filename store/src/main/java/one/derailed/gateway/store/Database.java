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
