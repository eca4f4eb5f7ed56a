package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * /metrics, on the operator listener, serves the node's figures in the Prometheus text format, and they move with
 * what happens; the clients' port does not serve it.
 */
class MetricsTest {

    @Test
    void metricsShowSessionsEventsClosesResumesAndTheJvm() throws Exception {
        try (TestGateway gw = TestGateway.start(TestDatabases.h2())) {
            long ada = gw.data.createUser("ada");
            long guild = gw.data.createGuild("g", ada);
            gw.data.addMember(guild, ada);
            GatewayClient client = gw.online(ada, 1);
            for (int i = 0; i < 3; i++) {
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{}");
                client.expectDispatch("MESSAGE_CREATE");
            }
            gw.ingress.publishToUser(ada, "USER_UPDATE", "{}");
            client.expectDispatch("USER_UPDATE");
            try (GatewayClient stranger = GatewayClient.connect(gw.port())) {
                stranger.expectOp(10);
                stranger.resume(gw.data.tokenFor(ada), "no-such-session", 1);
                stranger.expectOp(9);
                stranger.send("not json");
                stranger.awaitClose();
            }

            Map<String, Double> figures = scrape(gw.gateway.operatorPort());
            HttpResponse<String> onClientsPort = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gw.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(onClientsPort.statusCode()).isEqualTo(404);
            assertThat(figures.get("derailed_sessions")).isEqualTo(1.0);
            assertThat(figures.get("derailed_sockets")).isGreaterThanOrEqualTo(1.0);
            assertThat(figures.get("derailed_guilds_live")).isGreaterThanOrEqualTo(1.0);
            assertThat(figures.get("derailed_users_live")).isGreaterThanOrEqualTo(1.0);
            assertThat(figures.get("derailed_events_published_total{target=\"guild\"}")).isEqualTo(3.0);
            assertThat(figures.get("derailed_events_published_total{target=\"user\"}")).isEqualTo(1.0);
            assertThat(figures.get("derailed_events_delivered_total")).isGreaterThanOrEqualTo(4.0);
            assertThat(figures.get("derailed_sessions_invalid_total")).isEqualTo(1.0);
            assertThat(figures.get("derailed_closes_total{by=\"server\",code=\"4002\"}")).isEqualTo(1.0);
            assertThat(figures.get("derailed_bytes_out_bytes_total{compression=\"none\"}")).isPositive();
            assertThat(figures.get("derailed_replay_buffer_bytes")).isPositive();
            assertThat(figures).containsKeys("derailed_sessions_resumed_total", "derailed_heartbeat_timeouts_total",
                    "derailed_sockets_outbound_bytes", "derailed_client_bytes{kind=\"replay\"}",
                    "derailed_client_bytes_limit_bytes", "derailed_sockets_unidentified", "derailed_ready_queued", "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}",
                    "process_resident_memory_bytes");
            assertThat(figures.keySet()).anyMatch(name -> name.startsWith("derailed_grpc_calls_seconds_count"));
            client.close();
        }
    }

    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        Map<String, Double> figures = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                figures.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return figures;
    }
}
