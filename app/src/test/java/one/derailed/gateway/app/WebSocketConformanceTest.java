package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** RFC 6455 as a raw client sees it: fragments, ping/pong, the close handshake, no unasked extensions. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketConformanceTest {
    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void aFragmentedMessageIsReassembled() throws Exception {
        long ada = gw.data.createUser("ada");
        try (RawGatewaySocket socket = new RawGatewaySocket(gw.port())) {
            assertThat(socket.read().get("op").intValue()).isEqualTo(10);
            byte[] identify = ("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(ada) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            int third = identify.length / 3;
            socket.sendFrame(1, false, java.util.Arrays.copyOfRange(identify, 0, third));
            socket.sendFrame(0, false, java.util.Arrays.copyOfRange(identify, third, 2 * third));
            socket.sendFrame(0, true, java.util.Arrays.copyOfRange(identify, 2 * third, identify.length));
            assertThat(socket.read().get("t").asText()).isEqualTo("READY");
        }
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (RawGatewaySocket socket = new RawGatewaySocket(gw.port())) {
            socket.read();
            socket.sendFrame(9, true, "are you there".getBytes(StandardCharsets.UTF_8));
            RawGatewaySocket.Frame pong = socket.readFrame();
            assertThat(pong.opcode()).isEqualTo(10);
            assertThat(pong.text()).isEqualTo("are you there");
        }
    }

    @Test
    void aClientCloseIsEchoedWithItsCode() throws Exception {
        try (RawGatewaySocket socket = new RawGatewaySocket(gw.port())) {
            socket.read();
            socket.sendFrame(8, true, ByteBuffer.allocate(2).putShort((short) 4000).array());
            RawGatewaySocket.Frame close = socket.readFrame();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(ByteBuffer.wrap(close.payload()).getShort() & 0xffff).isEqualTo(4000);
        }
    }

    @Test
    void permessageDeflateIsNotNegotiated() throws Exception {
        try (RawGatewaySocket socket = new RawGatewaySocket(gw.port(),
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(socket.handshakeResponse()).startsWith("HTTP/1.1 101");
            assertThat(socket.handshakeResponse().toLowerCase()).doesNotContain("sec-websocket-extensions");
            assertThat(socket.read().get("op").intValue()).isEqualTo(10);
        }
    }

    @Test
    void framesSentBeforeHelloAreAnsweredAfterItNotDropped() throws Exception {
        long ada = gw.data.createUser("ada");
        for (int attempt = 0; attempt < 20; attempt++) {
            try (RawGatewaySocket socket = new RawGatewaySocket(gw.port())) {
                socket.send("{\"op\":6,\"d\":{\"token\":\"" + gw.data.tokenFor(ada)
                        + "\",\"session_id\":\"none\",\"seq\":1}}");
                assertThat(socket.read().get("op").intValue()).isEqualTo(10);
                assertThat(socket.read().get("op").intValue()).isEqualTo(9);
            }
        }
    }
}
