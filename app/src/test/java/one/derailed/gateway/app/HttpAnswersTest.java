package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import one.derailed.gateway.http.RawHttp;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The clients' port over raw sockets: a request that does not parse is answered with its 4xx and the connection
 * closed, never 200 or 404 as if it were valid; pipelined requests, slow ones among them, are answered in request
 * order and none is lost; a WebSocket upgrade pipelined behind them waits its turn. A bystander keeps receiving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAnswersTest {
    private TestGateway gw;
    private Bystander bystander;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of());
        bystander = new Bystander(gw);
    }

    @AfterAll
    void stop() {
        bystander.close();
        gw.close();
    }

    private RawHttp.Answer answerTo(String request) throws Exception {
        try (RawHttp http = new RawHttp(gw.port())) {
            http.send(request);
            RawHttp.Answer answer = http.read();
            assertThat(answer.headers().get("connection")).isEqualTo("close");
            assertThat(http.closedByServer()).as("closed after the answer").isTrue();
            return answer;
        }
    }

    @Test
    void aHeaderOverTheLimitGets431() throws Exception {
        assertThat(answerTo("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10 * 1024) + "\r\n\r\n")
                .status()).isEqualTo(431);
        bystander.stillReceives();
    }

    @Test
    void aTenKilobyteRequestLineGets414() throws Exception {
        assertThat(answerTo("GET /healthz?" + "q".repeat(10 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n").status())
                .isEqualTo(414);
        bystander.stillReceives();
    }

    @Test
    void garbageGets400() throws Exception {
        assertThat(answerTo("\u0016\u0003\u0001 hello, is this TLS?\r\n\r\n").status()).isEqualTo(400);
        assertThat(answerTo("GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n").status()).isEqualTo(400);
        assertThat(answerTo("GET /healthz HTTP/1.1\r\n\r\n").status()).as("HTTP/1.1 without Host").isEqualTo(400);
        assertThat(answerTo("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n").status()).isEqualTo(505);
        bystander.stillReceives();
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderNoneLost() throws Exception {
        long bot = gw.data.createBot("pipelined");
        String good = "Authorization: Bot " + gw.data.tokenFor(bot) + "\r\n";
        StringBuilder requests = new StringBuilder();
        String[] expected = new String[12];
        for (int i = 0; i < expected.length; i++) {
            switch (i % 4) {
                case 0 -> {
                    requests.append("GET /api/v10/gateway/bot HTTP/1.1\r\nHost: x\r\n").append(good).append("\r\n");
                    expected[i] = "200 shards";
                }
                case 1 -> {
                    requests.append(RawHttp.get("/healthz"));
                    expected[i] = "200 ok";
                }
                case 2 -> {
                    requests.append("GET /api/v10/gateway/bot HTTP/1.1\r\nHost: x\r\nAuthorization: Bot nope\r\n\r\n");
                    expected[i] = "401 Unauthorized";
                }
                default -> {
                    requests.append(RawHttp.get("/nowhere"));
                    expected[i] = "404 Not Found";
                }
            }
        }
        try (RawHttp http = new RawHttp(gw.port())) {
            http.send(requests.toString());
            for (String want : expected) {
                RawHttp.Answer answer = http.read();
                String[] parts = want.split(" ", 2);
                assertThat(answer.status()).isEqualTo(Integer.parseInt(parts[0]));
                assertThat(answer.body()).contains(parts[1]);
            }
        }
        bystander.stillReceives();
    }

    @Test
    void anUpgradePipelinedBehindASlowAnswerWaitsItsTurn() throws Exception {
        long bot = gw.data.createBot("upgrader");
        try (RawHttp http = new RawHttp(gw.port())) {
            http.send("GET /api/v10/gateway/bot HTTP/1.1\r\nHost: x\r\nAuthorization: Bot "
                    + gw.data.tokenFor(bot) + "\r\n\r\n"
                    + "GET /?v=10&encoding=json HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            RawHttp.Answer first = http.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("session_start_limit");
            RawHttp.Answer upgrade = http.readHeadOnly();
            assertThat(upgrade.status()).isEqualTo(101);
        }
        bystander.stillReceives();
    }
}
