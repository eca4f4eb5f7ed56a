package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.grpc.GrpcSettings;
import one.derailed.gateway.grpc.IngressClient;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The guarded edges of a gateway configured with {@code derailed.grpc.token}: {@code GET /api/v10/gateway} and
 * {@code /api/v10/gateway/bot} with a real HTTP client on loopback, and the gRPC ingress, which publishes only what
 * carries the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayEndpointsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(GatewayClient.WAIT).build();
    private static final String UNAUTHORIZED = "{\"message\":\"401: Unauthorized\",\"code\":0}";
    private static final String TOKEN = "gateway-ingress-secret";

    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of("derailed.grpc.token", TOKEN));
    }

    @AfterAll
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
                .timeout(GatewayClient.WAIT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void gatewayTellsWhereToConnect() throws Exception {
        HttpResponse<String> response = get("/api/v10/gateway", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("url").asText()).startsWith("ws://");
    }

    @Test
    void gatewayBotAnswersAValidBotTokenWithUrlShardsAndTheSessionStartLimit() throws Exception {
        long bot = gw.data.createBot("shardy");
        for (int i = 0; i < 3; i++) {
            long guild = gw.data.createGuild("g" + i, bot);
            gw.data.addMember(guild, bot);
        }
        HttpResponse<String> response = get("/api/v10/gateway/bot", "Bot " + gw.data.tokenFor(bot));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("url").asText()).isEqualTo(json(get("/api/v10/gateway", null)).get("url").asText());
        assertThat(body.get("shards").intValue()).isEqualTo(1);
        JsonNode limit = body.get("session_start_limit");
        assertThat(limit.get("total").intValue()).isEqualTo(1000);
        assertThat(limit.get("remaining").intValue()).isEqualTo(1000);
        assertThat(limit.get("reset_after").longValue()).isEqualTo(86_400_000L);
        assertThat(limit.get("max_concurrency").intValue()).isEqualTo(1);
        // The scheme's case does not matter, as with Discord.
        assertThat(get("/api/v10/gateway/bot", "bot " + gw.data.tokenFor(bot)).statusCode()).isEqualTo(200);

        // The budget is live: one session started, one fewer remains, and the window now ends within 24 h.
        try (GatewayClient session = GatewayClient.identified(gw.port(), gw.data.tokenFor(bot), 1)) {
            session.expectDispatch("READY");
        }
        JsonNode after = json(get("/api/v10/gateway/bot", "Bot " + gw.data.tokenFor(bot))).get("session_start_limit");
        assertThat(after.get("remaining").intValue()).isEqualTo(999);
        assertThat(after.get("reset_after").longValue()).isPositive().isLessThanOrEqualTo(86_400_000L);
    }

    @Test
    void gatewayBotRecommendsOneShardPerThousandGuilds() throws Exception {
        long bot = gw.data.createBot("big");
        long base = 8_000_000_000_000_000_000L + bot % 1_000_000 * 10_000;
        gw.data.update("INSERT INTO guilds (id, name, owner_id) SELECT ? + X, 'bulk', ? FROM SYSTEM_RANGE(1, 1001)",
                base, bot);
        gw.data.update("INSERT INTO members (user_id, guild_id) SELECT ?, ? + X FROM SYSTEM_RANGE(1, 1001)",
                bot, base);
        JsonNode body = json(get("/api/v10/gateway/bot", "Bot " + gw.data.tokenFor(bot)));
        assertThat(body.get("shards").intValue()).isEqualTo(2);
    }

    @Test
    void gatewayBotRefusesAMissingOrBadTokenWith401AndAJsonBody() throws Exception {
        long user = gw.data.createUser("someone");
        String token = gw.data.tokenFor(user);
        List<String> refused = new ArrayList<>();
        refused.add(null);
        refused.add("");
        refused.add("Bot");
        refused.add("Bot ");
        refused.add(token);
        refused.add("Bearer " + token);
        refused.add("Bot MTIz.AAAA.forged");
        refused.add("Bot " + token.substring(0, token.length() - 2) + "xx");
        for (String authorization : refused) {
            HttpResponse<String> response = get("/api/v10/gateway/bot", authorization);
            assertThat(response.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
            assertThat(json(response)).isEqualTo(Json.MAPPER.readTree(UNAUTHORIZED));
        }
        gw.data.changePassword(user);
        assertThat(get("/api/v10/gateway/bot", "Bot " + token).statusCode()).as("a revoked token").isEqualTo(401);
    }

    @Test
    void manyRequestsOnKeptAliveConnectionsAreEachAnsweredInOrder() {
        long bot = gw.data.createBot("busy");
        String good = "Bot " + gw.data.tokenFor(bot);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String path = i % 3 == 0 ? "/healthz" : "/api/v10/gateway/bot";
            String authorization = i % 3 == 1 ? good : i % 3 == 2 ? "Bot nope" : null;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + path))
                    .timeout(GatewayClient.WAIT).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            responses.add(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
            expected.add(i % 3 == 2 ? 401 : 200);
        }
        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> response = responses.get(i).join();
            assertThat(response.statusCode()).as("request %d", i).isEqualTo(expected.get(i));
            if (i % 3 == 1) {
                assertThat(response.body()).contains("\"shards\":1");
            }
        }
    }

    @Test
    void aGatewayWithATokenPublishesOnlyWhatCarriesIt() throws Exception {
        try (IngressClient api = new IngressClient("127.0.0.1", gw.gateway.grpcPort().getAsInt(), TOKEN);
             IngressClient stranger = new IngressClient("127.0.0.1", gw.gateway.grpcPort().getAsInt(), "guess")) {
            long ada = gw.data.createUser("ada");
            long guild = gw.data.createGuild("g", ada);
            gw.data.addMember(guild, ada);
            try (GatewayClient client = gw.online(ada, 1)) {
                for (IngressClient refused : new IngressClient[] {gw.ingress, stranger}) {
                    assertThatThrownBy(() -> refused.publishToGuild(guild, "MESSAGE_CREATE", "{\"who\":\"nope\"}"))
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                                    e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                    assertThatThrownBy(() -> refused.publishToUser(ada, "USER_UPDATE", "{\"who\":\"nope\"}"))
                            .isInstanceOf(StatusRuntimeException.class);
                }
                assertThat(api.publishToGuild(guild, "MESSAGE_CREATE", "{\"who\":\"api\"}")).isEqualTo("Success");
                assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/who").asText()).isEqualTo("api");
            }
        }
    }

    @Test
    void settingsComeFromTheConfigurationWithTheirDefaults() {
        GatewaySettings.Grpc grpc = new GatewaySettings.Grpc("127.0.0.1", 0, 10);
        Config configured = ConfigFactory.parseMap(Map.of(
                "derailed.grpc.token", TOKEN,
                "derailed.grpc.allow-insecure-remote", true,
                "derailed.grpc.tls.cert-chain", "/etc/derailed/grpc.crt",
                "derailed.grpc.tls.private-key", "/etc/derailed/grpc.key"));
        GrpcSettings settings = IngressSettings.server(configured, grpc);
        assertThat(settings.token()).isEqualTo(TOKEN);
        assertThat(settings.allowInsecureRemote()).isTrue();
        assertThat(settings.tlsCertChain()).isEqualTo(Path.of("/etc/derailed/grpc.crt"));
        assertThat(settings.tlsPrivateKey()).isEqualTo(Path.of("/etc/derailed/grpc.key"));

        Config declaredEmpty = ConfigFactory.parseMap(Map.of(
                "derailed.grpc.token", "",
                "derailed.grpc.allow-insecure-remote", false,
                "derailed.grpc.tls.cert-chain", "",
                "derailed.grpc.tls.private-key", ""));
        GrpcSettings plain = IngressSettings.server(declaredEmpty, grpc);
        assertThat(plain.requiresToken()).isFalse();
        assertThat(plain.tls()).isFalse();
        assertThat(plain.allowInsecureRemote()).isFalse();
    }
}
