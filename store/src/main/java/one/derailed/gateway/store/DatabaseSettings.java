package one.derailed.gateway.store;

import java.util.Objects;

/**
 * DatabaseSettings is how to reach the database: a JDBC {@code url} (H2 or PostgreSQL), the credentials, the upper
 * bound of the connection pool and whether to apply the schema migrations when the database opens.
 *
 * @param url         a JDBC url, e.g. {@code jdbc:h2:file:./data/derailed;AUTO_SERVER=FALSE} or
 *                    {@code jdbc:postgresql://127.0.0.1:5432/derailed}
 * @param user        the database user, or null when the url needs none
 * @param password    the database password, or null when the url needs none
 * @param maxPoolSize the most connections the pool ever holds (at least 1)
 * @param migrate     whether {@link Database#open} applies the migrations under {@code db/migration}
 */
public record DatabaseSettings(String url, String user, String password, int maxPoolSize, boolean migrate) {

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + maxPoolSize);
        }
    }

    /** Hides the password, which must not reach the logs. */
    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "null" : "***")
                + ", maxPoolSize=" + maxPoolSize + ", migrate=" + migrate + "]";
    }
}
