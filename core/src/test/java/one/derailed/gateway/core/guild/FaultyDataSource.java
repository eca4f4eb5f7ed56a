package one.derailed.gateway.core.guild;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * FaultyDataSource is a real database that can be made to fail the next few connections (a store that is down) or to
 * hold every connection until released (a slow store), so that tests see guilds load late or not at all.
 */
final class FaultyDataSource implements DataSource {
    private final DataSource real;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    FaultyDataSource(DataSource real) {
        this.real = real;
    }

    /** The next {@code count} connections fail. */
    void failNext(int count) {
        failures.set(count);
    }

    /** Connections wait until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new SQLException("held too long");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        }
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLException("the store is down (injected)");
        }
        return real.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return real.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return real.isWrapperFor(type);
    }
}
