package one.derailed.gateway.app;

import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The gateway contract on PostgreSQL, the production database; .ci/run starts one and sets the variable. */
@EnabledIfEnvironmentVariable(named = TestDatabases.PG_URL, matches = ".+")
class PostgresEndToEndTest extends GatewayContract {
    @Override
    Database openDatabase() {
        return TestDatabases.postgres().orElseThrow();
    }
}
