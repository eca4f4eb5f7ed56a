package one.derailed.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator listener over real sockets: its router, its token, and its answers to what does not parse. */
class OperatorServerTest {
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private OperatorServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        later.shutdownNow();
    }

    private int start(OperatorSettings settings) throws Exception {
        Router router = Router.builder()
                .get("/hello", Endpoint.of(request -> Responses.text(HttpResponseStatus.OK, "text/plain",
                        "hello " + request.parameter("who"))))
                // Answers after a random delay on another thread: order must still hold.
                .get("/slow", request -> {
                    CompletableFuture<io.netty.handler.codec.http.FullHttpResponse> answer = new CompletableFuture<>();
                    String n = request.parameter("n");
                    later.schedule(() -> answer.complete(Responses.text(HttpResponseStatus.OK, "text/plain", n)),
                            ThreadLocalRandom.current().nextInt(20), TimeUnit.MILLISECONDS);
                    return answer;
                })
                .post("/hello", Endpoint.of(request -> Responses.json(HttpResponseStatus.ACCEPTED, "{}")))
                .getWithoutToken("/page", Endpoint.of(request -> Responses.text(HttpResponseStatus.OK, "text/html",
                        "<p>no data here</p>")))
                .post("/page", Endpoint.of(request -> Responses.json(HttpResponseStatus.ACCEPTED, "{}")))
                .build();
        server = OperatorServer.start(settings, router);
        return server.port();
    }

    @Test
    void routesByPathAndMethod() throws Exception {
        int port = start(OperatorSettings.loopback());
        try (RawHttp http = new RawHttp(port)) {
            http.send(RawHttp.get("/hello?who=ops"));
            RawHttp.Answer hello = http.read();
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello ops");

            http.send(RawHttp.get("/nowhere"));
            RawHttp.Answer missing = http.read();
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("{\"message\":\"404: Not Found\",\"code\":0}");

            http.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer refused = http.read();
            assertThat(refused.status()).isEqualTo(405);
            assertThat(refused.headers().get("allow")).contains("GET", "POST");

            http.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer head = http.readHeadOnly();
            assertThat(head.status()).isEqualTo(200);
            http.send(RawHttp.get("/hello?who=again"));
            // The HEAD answer had no body: the next bytes are the next answer.
            assertThat(http.read().body()).isEqualTo("hello again");
        }
    }

    @Test
    void aTokenIsRequiredWhenOneIsSet() throws Exception {
        int port = start(new OperatorSettings("127.0.0.1", 0, "s3cret", false));
        try (RawHttp http = new RawHttp(port)) {
            http.send(RawHttp.get("/hello"));
            RawHttp.Answer none = http.read();
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.headers().get("www-authenticate")).isEqualTo("Bearer");
            http.send("GET /hello HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer guess\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(401);
            http.send("GET /hello?who=me HTTP/1.1\r\nHost: x\r\nAuthorization: bearer s3cret\r\n\r\n");
            assertThat(http.read().body()).isEqualTo("hello me");
        }
    }

    @Test
    void aPageRoutedWithoutTokenIsServedToABrowserButNothingElseIs() throws Exception {
        int port = start(new OperatorSettings("127.0.0.1", 0, "s3cret", false));
        try (RawHttp http = new RawHttp(port)) {
            http.send(RawHttp.get("/page"));
            RawHttp.Answer page = http.read();
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("<p>no data here</p>");
            http.send("HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readHeadOnly().status()).isEqualTo(200);
            // the same path with another method, and every other path, still need the token
            http.send("POST /page HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(http.read().status()).isEqualTo(401);
            http.send(RawHttp.get("/hello"));
            assertThat(http.read().status()).isEqualTo(401);
        }
    }

    @Test
    void beyondLoopbackWithoutATokenItRefusesToStart() {
        assertThatThrownBy(() -> OperatorServer.start(new OperatorSettings("0.0.0.0", 0, "", false),
                Router.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DERAILED_OPERATOR_TOKEN");
    }

    @Test
    void whatDoesNotParseIsAnsweredAndTheConnectionClosed() throws Exception {
        int port = start(OperatorSettings.loopback());
        String[][] cases = {
                {"GET /" + "a".repeat(10 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
                {"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9 * 1024) + "\r\n\r\n", "431"},
                {"\u0001\u0002 garbage that is not HTTP\r\n\r\n", "400"},
                {"GET /hello HTTP/1.1\r\n\r\n", "400"},
                {"GET /hello HTTP/7.3\r\nHost: x\r\n\r\n", "505"},
        };
        for (String[] bad : cases) {
            try (RawHttp http = new RawHttp(port)) {
                http.send(bad[0]);
                RawHttp.Answer answer = http.read();
                assertThat(answer.status()).as(bad[0].substring(0, Math.min(30, bad[0].length())))
                        .isEqualTo(Integer.parseInt(bad[1]));
                assertThat(answer.headers().get("connection")).isEqualTo("close");
                assertThat(http.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderNoneLost() throws Exception {
        int port = start(OperatorSettings.loopback());
        try (RawHttp http = new RawHttp(port)) {
            StringBuilder requests = new StringBuilder();
            for (int n = 0; n <= OperatorServer.MAX_PIPELINED; n++) {
                requests.append(RawHttp.get(n % 2 == 0 ? "/slow?n=" + n : "/hello?who=" + n));
            }
            http.send(requests.toString());
            for (int n = 0; n <= OperatorServer.MAX_PIPELINED; n++) {
                assertThat(http.read().body()).isEqualTo(n % 2 == 0 ? Integer.toString(n) : "hello " + n);
            }
            http.send(RawHttp.get("/hello?who=after"));
            assertThat(http.read().body()).isEqualTo("hello after");
        }
    }

    @Test
    void pipeliningPastTheBoundIsAnsweredUpToItThenClosed() throws Exception {
        int port = start(OperatorSettings.loopback());
        try (RawHttp http = new RawHttp(port)) {
            StringBuilder requests = new StringBuilder();
            for (int n = 0; n < 100; n++) {
                requests.append(RawHttp.get("/slow?n=" + n));
            }
            http.send(requests.toString());
            int answered = 0;
            try {
                while (true) {
                    assertThat(http.read().body()).isEqualTo(Integer.toString(answered));
                    answered++;
                }
            } catch (java.io.IOException closed) {
                // the server closed after what it kept
            }
            assertThat(answered).isBetween(OperatorServer.MAX_PIPELINED + 1, 99);
        }
    }
}
