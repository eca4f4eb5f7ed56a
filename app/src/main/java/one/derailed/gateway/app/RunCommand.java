package one.derailed.gateway.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DemoData;
import one.derailed.gateway.store.UserRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code derailed run}: starts a gateway node and runs until it is stopped (SIGTERM or Ctrl-C). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start the gateway (all roles, embedded H2 database by default).")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--roles", split = ",",
            description = "Roles this node runs, comma-separated, of: websocket, sessions, guilds, users, ready, grpc "
                    + "(default: all).")
    List<String> roles;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Config overrides = roles == null ? ConfigFactory.empty()
                : ConfigFactory.empty().withValue("derailed.roles", ConfigValueFactory.fromIterable(roles));
        Config config = GatewayNode.loadConfig(overrides);
        GatewaySettings settings;
        try {
            settings = GatewaySettings.from(config);
        } catch (IllegalArgumentException e) {
            // A bad setting is the operator's to fix: say which, without a stack trace, and exit 2 with the usage.
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Database database = Database.open(settings.database());
        List<UserRecord> demo = settings.seedDemo() && settings.database().url().startsWith("jdbc:h2:")
                ? DemoData.seedIfEmpty(database.dataSource()) : List.of();
        Gateway gateway = Gateway.start(config, database);
        // SIGTERM: Pekko's own JVM hook runs the one shutdown sequence (Gateway's steps are in it); this hook only
        // waits for it to end and closes the database, so the JVM exits after a clean leave.
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable closeOnce = closeOnce(gateway, stopped);
        Runtime.getRuntime().addShutdownHook(new Thread(closeOnce, "derailed-shutdown"));
        // A leave started inside the node (an operator's drain, the cluster downing it) ends the process too.
        gateway.node().system().getWhenTerminated().thenRun(() -> new Thread(closeOnce, "derailed-left").start());
        printWelcome(settings, gateway, database, demo);
        stopped.await();
        return 0;
    }

    /** Closes the gateway once, whichever comes first (SIGTERM or the node's own leave), then lets call() return. */
    private static Runnable closeOnce(Gateway gateway, CountDownLatch stopped) {
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closing.compareAndSet(false, true)) {
                gateway.close();
                stopped.countDown();
            }
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static void printWelcome(GatewaySettings settings, Gateway gateway, Database database,
                                     List<UserRecord> demo) {
        String ws = "ws://" + settings.webSocket().host() + ":" + gateway.webSocketPort() + "/?v=10&encoding=json";
        System.out.println();
        System.out.println("Derailed Gateway is running.");
        System.out.println("  Roles      " + String.join(",", settings.roles()));
        System.out.println("  Cluster    " + gateway.node().system().address());
        System.out.println("  WebSocket  " + (gateway.servesWebSocket() ? ws : "none (no websocket role)"));
        System.out.println("  gRPC       " + (gateway.grpcPort().isPresent()
                ? settings.grpc().host() + ":" + gateway.grpcPort().getAsInt() : "none (no grpc role)"));
        System.out.println("  Health     http://" + settings.webSocket().host() + ":" + gateway.webSocketPort()
                + "/healthz");
        System.out.println("  Metrics    http://" + settings.operator().host() + ":" + gateway.operatorPort()
                + "/metrics");
        System.out.println("  Admin      http://" + settings.operator().host() + ":" + gateway.operatorPort()
                + "/admin");
        if (!demo.isEmpty()) {
            System.out.println();
            System.out.println("Seeded a demo on the empty embedded database. Tokens:");
            for (UserRecord user : demo) {
                String token = database.store().issueToken(user.id()).orElseThrow();
                System.out.printf("  %-8s id %d%n           %s%n", user.username(), user.id(), token);
            }
            UserRecord first = demo.get(0);
            String token = database.store().issueToken(first.id()).orElseThrow();
            System.out.println();
            System.out.println("Connect (any WebSocket client; websocat shown), then send the IDENTIFY line:");
            System.out.println("  websocat '" + ws + "'");
            System.out.println("  {\"op\":2,\"d\":{\"token\":\"" + token
                    + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"cli\",\"device\":\"cli\"}}}");
            System.out.println("Publish to a guild of " + first.username() + " from another terminal:");
            for (var membership : database.store().membershipsOf(first.id())) {
                System.out.println("  ./derailed publish guild " + membership.guildId()
                        + " MESSAGE_CREATE '{\"content\":\"hello\"}'");
            }
        }
        System.out.println();
        System.out.println("Stop with Ctrl-C.");
        System.out.flush();
    }
}
