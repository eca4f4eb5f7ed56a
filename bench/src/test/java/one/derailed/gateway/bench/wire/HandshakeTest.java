package one.derailed.gateway.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    @Test
    void theRequestAsksForAnUpgradeWithAFreshKey() {
        String a = new String(Handshake.request("127.0.0.1", 8080, "/?v=10&encoding=json"), StandardCharsets.US_ASCII);
        String b = new String(Handshake.request("127.0.0.1", 8080, "/?v=10&encoding=json"), StandardCharsets.US_ASCII);
        assertThat(a).startsWith("GET /?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
                .contains("Upgrade: websocket\r\n", "Connection: Upgrade\r\n", "Sec-WebSocket-Version: 13\r\n")
                .endsWith("\r\n\r\n");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void theResponseHeadEndsAtTheBlankLineAndFramesMayFollow() {
        byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                + "sec-websocket-accept: x\r\n\r\n\u0081\u0002hi").getBytes(StandardCharsets.ISO_8859_1);
        int end = Handshake.headEnd(response, 0, response.length);
        assertThat(end).isEqualTo(response.length - 4);
        assertThat(Handshake.switched(response, 0, end)).isTrue();
        assertThat(Handshake.headEnd(response, 0, 20)).isEqualTo(-1);
    }

    @Test
    void aRefusalIsNamedByItsStatusLine() {
        byte[] response = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        int end = Handshake.headEnd(response, 0, response.length);
        assertThat(Handshake.switched(response, 0, end)).isFalse();
        assertThat(Handshake.statusLine(response, 0, end)).isEqualTo("HTTP/1.1 503 Service Unavailable");
    }
}
