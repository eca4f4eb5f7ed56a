package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.Test;

/**
 * A sessions node reports ready only once it knows where every User shard lives, so that no IDENTIFY waits on the
 * coordinator placing a shard (docs/operations.md, "Readiness"): while no node with the users role is in its cluster
 * it answers /readyz 503, and once one joins, every User shard has been placed before the node answers 200.
 */
class UserShardHomesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aSessionsNodeIsReadyOnlyOnceEveryUserShardHasAHome() throws Exception {
        Database database = TestDatabases.h2();
        try (TestGateway guildsOnly = TestGateway.start(database, Map.of("derailed.roles", List.of("guilds")));
             TestGateway edge = TestGateway.startNotReady(database, joining(guildsOnly, "websocket", "sessions"))) {
            Cluster cluster = Cluster.get(guildsOnly.gateway.node().system());
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.state().members().size() == 2
                    && Cluster.get(edge.gateway.node().system()).selfMember().status()
                    == org.apache.pekko.cluster.MemberStatus.up());
            // up, but no node can host a User shard yet
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> readiness(edge) == 503);

            try (TestGateway users = TestGateway.start(database, joining(guildsOnly, "users"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness(edge) == 200);
                ShardRegion.ClusterShardingStats stats = (ShardRegion.ClusterShardingStats) Patterns.ask(
                        ClusterSharding.get(Adapter.toClassic(edge.gateway.node().system())).shardRegion("User"),
                        new ShardRegion.GetClusterShardingStats(scala.concurrent.duration.Duration.create(5, "s")),
                        Duration.ofSeconds(10)).toCompletableFuture().get();
                int placed = stats.getRegions().values().stream().mapToInt(region -> region.getStats().size()).sum();
                assertThat(placed).isEqualTo(edge.gateway.node().system().settings().config()
                        .getInt("pekko.cluster.sharding.number-of-shards"));
            }
        }
    }

    private static Map<String, Object> joining(TestGateway seed, String... roles) {
        int seedPort = Cluster.get(seed.gateway.node().system()).selfMember().address().getPort().get();
        return Map.of("derailed.roles", List.of(roles), "derailed.cluster.seed-nodes", "127.0.0.1:" + seedPort);
    }

    private static int readiness(TestGateway node) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/readyz"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
