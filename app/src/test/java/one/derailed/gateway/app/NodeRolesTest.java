package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * A node runs the servers of its roles only: one with guilds and users alone listens for no gRPC, refuses a WebSocket
 * upgrade with 503 and a JSON reason, and still answers health, readiness and metrics, which operators read on every
 * node. An unknown role name is refused before anything starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeRolesTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(GatewayClient.WAIT).build();
    private static final String NOT_A_GATEWAY_NODE =
            "{\"message\":\"503: this node does not run the websocket role: connect to a gateway node\",\"code\":0}";

    private int grpcPort;
    private TestGateway entitiesOnly;

    @BeforeAll
    void start() throws Exception {
        grpcPort = freePort();
        entitiesOnly = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.roles", List.of("guilds", "users"),
                "derailed.grpc.port", grpcPort));
    }

    @AfterAll
    void stop() {
        if (entitiesOnly != null) {
            entitiesOnly.close();
        }
    }

    @Test
    void aNodeWithoutTheGrpcRoleListensForNoGrpc() {
        assertThat(entitiesOnly.gateway.grpcPort()).isEmpty();
        assertThatThrownBy(() -> new Socket("127.0.0.1", grpcPort).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aNodeWithoutTheWebsocketRoleRefusesAnUpgradeWith503AndAReason() throws Exception {
        assertThat(entitiesOnly.gateway.servesWebSocket()).isFalse();
        try (RawGatewaySocket socket = new RawGatewaySocket(entitiesOnly.port())) {
            String response = socket.handshakeResponse();
            assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable");
            assertThat(response).doesNotContainIgnoringCase("upgrade: websocket");
        }
        HttpResponse<String> lookup = get("/api/v10/gateway");
        assertThat(lookup.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(lookup.body())).isEqualTo(Json.MAPPER.readTree(NOT_A_GATEWAY_NODE));
    }

    @Test
    void everyNodeServesHealthReadinessAndMetrics() {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).as("not on the clients' port").isEqualTo(404);
        HttpResponse<String> metrics = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + entitiesOnly.gateway.operatorPort() + "/metrics")).timeout(GatewayClient.WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).join();
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("derailed_guilds_live", "jvm_memory_used_bytes");
    }

    @Test
    void anUnknownRoleIsRefusedWithItsNameAndTheKnownRoles() {
        StringWriter err = new StringWriter();
        CommandLine derailed = new CommandLine(new Derailed()).setErr(new PrintWriter(err));
        int exit = derailed.execute("run", "--roles", "websocket,sesions");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("derailed.roles: unknown role 'sesions'; the roles are websocket, "
                + "sessions, guilds, users, ready, grpc");
    }

    @Test
    void websocketWithoutSessionsIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine derailed = new CommandLine(new Derailed()).setErr(new PrintWriter(err));
        int exit = derailed.execute("run", "--roles", "websocket,guilds");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("derailed.roles: websocket and sessions go together");
    }

    private HttpResponse<String> get(String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + entitiesOnly.port() + path))
                .timeout(GatewayClient.WAIT).GET().build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
