package one.derailed.gateway.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.grpc.IngressClient;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestData;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;

/** TestGateway is a whole gateway on loopback ports the OS picks, on a test database, with its fixtures. */
final class TestGateway implements AutoCloseable {
    final Gateway gateway;
    final TestData data;
    /** Null on a node without the grpc role. */
    final IngressClient ingress;

    private TestGateway(Gateway gateway, TestData data) {
        this.gateway = gateway;
        this.data = data;
        this.ingress = gateway.grpcPort().isPresent()
                ? new IngressClient("127.0.0.1", gateway.grpcPort().getAsInt()) : null;
    }

    static TestGateway start(Database database) throws Exception {
        return start(database, Map.of());
    }

    static TestGateway start(Database database, Map<String, Object> overrides) throws Exception {
        TestGateway started = startNotReady(database, overrides);
        // Like a load balancer watching /readyz: no client is sent before the node is ready.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> started.gateway.node().isReady());
        return started;
    }

    /** A gateway as {@link #start} makes one, returned as soon as it runs, ready or not. */
    static TestGateway startNotReady(Database database, Map<String, Object> overrides) throws Exception {
        Config config = GatewayNode.loadConfig(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseMap(
                Map.of("derailed.websocket.port", 0,
                        "derailed.grpc.port", 0,
                        "derailed.cluster.port", 0,
                        "derailed.operator.port", 0,
                        "derailed.seed-demo", false,
                        "derailed.guilds.idle-timeout", "30s"))));
        Gateway gateway = Gateway.start(config, database);
        return new TestGateway(gateway, new TestData(database.dataSource()));
    }

    /**
     * Another node joined to {@code seed}'s cluster, with the roles that face clients (websocket, sessions, ready,
     * grpc) unless {@code overrides} names others; returns once the seed counts it as a member.
     */
    static TestGateway joining(TestGateway seed, Database database, Map<String, Object> overrides) throws Exception {
        Cluster cluster = Cluster.get(seed.gateway.node().system());
        int before = cluster.state().members().size();
        Map<String, Object> joined = new HashMap<>(overrides);
        joined.putIfAbsent("derailed.roles", List.of("websocket", "sessions", "ready", "grpc"));
        joined.put("derailed.cluster.seed-nodes", "127.0.0.1:" + cluster.selfMember().address().getPort().get());
        TestGateway node = start(database, joined);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cluster.state().members().size() > before);
        return node;
    }

    /** The sum of a Prometheus counter's samples on this node's /metrics (all its labels). */
    double counter(String name) {
        double total = 0;
        for (String line : gateway.node().metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    int port() {
        return gateway.webSocketPort();
    }

    GatewayClient identified(long userId) {
        return GatewayClient.identified(port(), data.tokenFor(userId));
    }

    /** Identifies and reads READY and the user's GUILD_CREATEs, so the next frame is live traffic. */
    GatewayClient online(long userId, int guilds) {
        GatewayClient client = identified(userId);
        client.expectDispatch("READY");
        for (int i = 0; i < guilds; i++) {
            client.awaitDispatch("GUILD_CREATE");
        }
        return client;
    }

    @Override
    public void close() {
        if (ingress != null) {
            ingress.close();
        }
        gateway.close();
    }
}
