package one.derailed.gateway.app;

import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;

/** The gateway contract on the embedded default database, H2. */
class H2EndToEndTest extends GatewayContract {
    @Override
    Database openDatabase() {
        return TestDatabases.h2();
    }
}
