package one.derailed.gateway.app;

import java.util.Optional;
import java.util.concurrent.Callable;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code derailed token USER_ID}: prints a valid token for a user of the configured database. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a valid token for a user of the configured database.")
final class TokenCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The user's id.")
    long userId;

    @Override
    public Integer call() {
        DatabaseSettings db = GatewaySettings.from(GatewayNode.loadConfig(com.typesafe.config.ConfigFactory.empty()))
                .database();
        try (Database database = Database.open(db)) {
            Optional<String> token = database.store().issueToken(userId);
            if (token.isEmpty()) {
                System.err.println("no user " + userId + " in " + db.url());
                return 1;
            }
            System.out.println(token.get());
            return 0;
        }
    }
}
