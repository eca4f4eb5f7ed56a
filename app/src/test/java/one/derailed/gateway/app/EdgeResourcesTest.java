package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.http.RawHttp;
import one.derailed.gateway.store.testing.TestDatabases;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a connection may hold before it identifies, over real sockets from several loopback addresses: silent,
 * trickling and idle HTTP connections are answered and closed on time, an upgraded socket that never identifies is
 * closed, unidentified connections are bounded per address and per node, and pings count against the frame rate.
 * A bystander keeps receiving throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeResourcesTest {
    private static final int PER_ADDRESS = 8;
    private static final int PER_NODE = 40;
    private TestGateway gw;
    private Bystander bystander;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.websocket.handshake-timeout", "3s",
                "derailed.websocket.keep-alive-timeout", "1s",
                "derailed.websocket.identify-timeout", "2s",
                "derailed.websocket.max-unidentified", PER_NODE,
                "derailed.websocket.max-unidentified-per-address", PER_ADDRESS));
        bystander = new Bystander(gw);
    }

    @AfterAll
    void stop() {
        bystander.close();
        gw.close();
    }

    @BeforeEach
    void noConnectionLeftFromTheLastTest() {
        Awaitility.await().atMost(GatewayClient.WAIT)
                .until(() -> gw.counter("derailed_sockets_unidentified") == 0);
    }

    private static InetSocketAddress from(int lastByte) {
        return new InetSocketAddress("127.0.0." + lastByte, 0);
    }

    @Test
    void aSilentConnectionIsAnswered408AndClosed() throws Exception {
        try (RawHttp silent = new RawHttp(from(2), gw.port())) {
            RawHttp.Answer answer = silent.read();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(silent.closedByServer()).isTrue();
        }
        assertThat(gw.counter("derailed_http_timeouts_total")).isPositive();
        bystander.stillReceives();
    }

    @Test
    void aRequestTrickledInForeverIsAnswered408AndClosed() throws Exception {
        try (RawHttp slowloris = new RawHttp(from(2), gw.port())) {
            slowloris.send("GET /?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (int i = 0; i < 5; i++) {
                slowloris.send("X-Slow-" + i + ": " + "z".repeat(10) + "\r\n");
                bystander.stillReceives();
            }
            assertThat(slowloris.read().status()).isEqualTo(408);
            assertThat(slowloris.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosed() throws Exception {
        try (RawHttp idle = new RawHttp(from(2), gw.port())) {
            idle.send(RawHttp.get("/healthz"));
            assertThat(idle.read().status()).isEqualTo(200);
            assertThat(idle.closedByServer()).isTrue();
        }
        bystander.stillReceives();
    }

    @Test
    void anUpgradedSocketThatNeverIdentifiesIsClosedWith4003() throws Exception {
        try (RawGatewaySocket lurker = new RawGatewaySocket(from(2), gw.port(), "")) {
            assertThat(lurker.read().path("op").intValue()).isEqualTo(10);
            // Heartbeats keep a socket from being a zombie, not from having to identify.
            lurker.send("{\"op\":1,\"d\":null}");
            assertThat(lurker.readUntilClose()).isEqualTo(4003);
        }
        assertThat(gw.counter("derailed_identify_timeouts_total")).isPositive();
        bystander.stillReceives();
    }

    @Test
    void unidentifiedConnectionsAreBoundedPerAddressAndTheAddressIsForgottenAfterwards() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                held.add(new RawHttp(from(3), gw.port()));
            }
            Awaitility.await().atMost(GatewayClient.WAIT)
                    .until(() -> gw.counter("derailed_sockets_unidentified") == PER_ADDRESS);
            try (RawHttp oneMore = new RawHttp(from(3), gw.port())) {
                RawHttp.Answer refused = oneMore.read();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.headers().get("retry-after")).isEqualTo("1");
                assertThat(oneMore.closedByServer()).isTrue();
            }
            try (RawHttp elsewhere = new RawHttp(from(4), gw.port())) {
                elsewhere.send(RawHttp.get("/healthz"));
                assertThat(elsewhere.read().status()).isEqualTo(200);
            }
            bystander.stillReceives();
        } finally {
            for (RawHttp connection : held) {
                connection.close();
            }
        }
        Awaitility.await().atMost(GatewayClient.WAIT).until(() -> gw.counter("derailed_sockets_unidentified") == 0);
        try (RawHttp again = new RawHttp(from(3), gw.port())) {
            again.send(RawHttp.get("/healthz"));
            assertThat(again.read().status()).isEqualTo(200);
        }
        assertThat(gw.counter("derailed_sockets_refused_total")).isPositive();
    }

    @Test
    void unidentifiedConnectionsAreBoundedPerNode() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_NODE; i++) {
                held.add(new RawHttp(from(10 + i / PER_ADDRESS), gw.port()));
            }
            Awaitility.await().atMost(GatewayClient.WAIT)
                    .until(() -> gw.counter("derailed_sockets_unidentified") == PER_NODE);
            try (RawHttp oneMore = new RawHttp(from(30), gw.port())) {
                assertThat(oneMore.read().status()).isEqualTo(503);
            }
            // Identified sessions do not count: the bystander, and a new session, still get through.
            bystander.stillReceives();
        } finally {
            for (RawHttp connection : held) {
                connection.close();
            }
        }
        Awaitility.await().atMost(GatewayClient.WAIT).until(() -> gw.counter("derailed_sockets_unidentified") == 0);
        long user = gw.data.createUser("after");
        try (GatewayClient after = gw.online(user, 0)) {
            assertThat(after.readySessionId()).isNotNull();
        }
    }

    @Test
    void pingsCountAgainstTheFrameRate() throws Exception {
        try (RawGatewaySocket pinger = new RawGatewaySocket(from(5), gw.port(), "")) {
            pinger.read();
            java.io.ByteArrayOutputStream pings = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 130; i++) {
                pings.writeBytes(RawGatewaySocket.frame(9, ("ping " + i).getBytes(StandardCharsets.US_ASCII)));
            }
            pinger.sendRaw(pings.toByteArray());
            int pongs = 0;
            while (true) {
                RawGatewaySocket.Frame frame = pinger.readFrame();
                if (frame.opcode() == 10) {
                    pongs++;
                    continue;
                }
                assertThat(frame.opcode()).isEqualTo(8);
                int code = ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff);
                assertThat(code).isEqualTo(4008);
                break;
            }
            assertThat(pongs).isEqualTo(120);
        }
        bystander.stillReceives();
    }
}
