package one.derailed.gateway.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the client writes, read back by Netty's server-side decoder (the one the gateway runs), which insists on masks. */
class ClientFrameTest {
    private static WebSocketFrame serverReads(byte[] wire) {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).allowMaskMismatch(false).maxFramePayloadLength(1 << 20).build()));
        server.writeInbound(Unpooled.wrappedBuffer(wire));
        WebSocketFrame frame = server.readInbound();
        assertThat(server.isActive()).as("the decoder kept the connection").isTrue();
        return frame;
    }

    @Test
    void textOfEveryLengthClassIsReadBackAsSent() {
        for (int length : new int[] {0, 1, 125, 126, 300, 65_535, 65_536, 100_000}) {
            byte[] payload = "h".repeat(length).getBytes(StandardCharsets.US_ASCII);
            byte[] wire = new byte[length + ClientFrame.MAX_HEADER];
            int end = ClientFrame.encode(FrameDecoder.TEXT, payload, 0, length, 0x5A17C3E1, wire, 0);
            byte[] exact = java.util.Arrays.copyOf(wire, end);
            WebSocketFrame frame = serverReads(exact);
            assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
            assertThat(((TextWebSocketFrame) frame).text()).as("length %d", length).isEqualTo("h".repeat(length));
            assertThat(frame.isFinalFragment()).isTrue();
            frame.release();
        }
    }

    @Test
    void aCloseCarriesItsCode() {
        byte[] payload = {0x03, (byte) 0xE8, 'b', 'y', 'e'};
        byte[] wire = new byte[payload.length + ClientFrame.MAX_HEADER];
        int end = ClientFrame.encode(FrameDecoder.CLOSE, payload, 0, payload.length, 7, wire, 0);
        WebSocketFrame frame = serverReads(java.util.Arrays.copyOf(wire, end));
        assertThat(frame).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) frame).statusCode()).isEqualTo(1000);
        assertThat(((CloseWebSocketFrame) frame).reasonText()).isEqualTo("bye");
        frame.release();
    }
}
