package one.derailed.gateway.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.store.Database;
import org.awaitility.Awaitility;

/** ActorTests configures actor tests: local actors, and every message serialized as if it crossed nodes. */
public final class ActorTests {
    private ActorTests() {}

    public static Config config() {
        return GatewayNode.loadConfig(ConfigFactory.parseMap(Map.of(
                "pekko.actor.provider", "local",
                "pekko.actor.serialize-messages", "on",
                "pekko.actor.allow-java-serialization", "off",
                "pekko.loglevel", "WARNING")));
    }

    /**
     * A test kit that is a one-node cluster of its own, up when this returns, for entities the test defines: every
     * message serialized, as in {@link #config()}.
     */
    public static org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit oneNodeClusterKit() {
        var kit = org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit.create(ConfigFactory.parseMap(Map.of(
                "pekko.actor.provider", "cluster",
                "pekko.remote.artery.canonical.port", 0,
                "pekko.cluster.seed-nodes", List.of(),
                // a cluster node leaves before it stops, which may take longer than the test kit's default
                "pekko.actor.testkit.typed.system-shutdown-default", "30s")).withFallback(config()));
        var cluster = org.apache.pekko.cluster.typed.Cluster.get(kit.system());
        cluster.manager().tell(org.apache.pekko.cluster.typed.Join.create(cluster.selfMember().address()));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up());
        return kit;
    }

    /** A one-node cluster with every role but grpc on {@code database}, up (it can place entities). */
    public static GatewayNode nodeWithEveryRole(Database database) {
        GatewayNode node = GatewayNode.start(GatewayNode.loadConfig(ConfigFactory.parseMap(Map.of(
                "derailed.cluster.port", 0, "derailed.roles", List.of("websocket", "sessions", "guilds", "users",
                        "ready")))), database);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(node::isReady);
        return node;
    }
}
