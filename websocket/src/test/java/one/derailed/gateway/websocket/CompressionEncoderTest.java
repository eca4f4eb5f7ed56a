package one.derailed.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import one.derailed.gateway.protocol.Compression;
import one.derailed.gateway.protocol.EncodedFrame;
import one.derailed.gateway.protocol.ServerFrames;
import org.junit.jupiter.api.Test;

class CompressionEncoderTest {

    private static TextWebSocketFrame text(EncodedFrame frame) {
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.head(), frame.body(), frame.tail()));
    }

    private static byte[] bytes(WebSocketFrame frame) {
        try {
            return ByteBufUtil.getBytes(frame.content());
        } finally {
            frame.release();
        }
    }

    @Test
    void transportCompressionTurnsEachTextFrameIntoOneBinaryMessageOfTheStream() throws Exception {
        CompressionEncoder encoder = CompressionEncoder.transport(Compression.ZLIB_STREAM);
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        Inflater inflater = new Inflater();
        try {
            for (int seq = 1; seq <= 100; seq++) {
                EncodedFrame frame = ServerFrames.dispatch(seq, "MESSAGE_CREATE",
                        ("{\"n\":" + seq + "}").getBytes(StandardCharsets.UTF_8));
                channel.writeOutbound(text(frame));
                WebSocketFrame out = channel.readOutbound();
                assertThat(out).isInstanceOf(BinaryWebSocketFrame.class);
                inflater.setInput(bytes(out));
                byte[] text = new byte[frame.size() + 16];
                assertThat(inflater.inflate(text)).isEqualTo(frame.size());
                assertThat(new String(text, 0, frame.size(), StandardCharsets.UTF_8)).isEqualTo(frame.toString());
            }
            // Close frames pass untouched.
            channel.writeOutbound(new CloseWebSocketFrame(4000, "bye"));
            WebSocketFrame close = channel.readOutbound();
            assertThat(close).isInstanceOf(CloseWebSocketFrame.class);
            close.release();
        } finally {
            inflater.end();
        }
        assertThat(encoder.released()).isFalse();
        channel.finishAndReleaseAll();
        assertThat(encoder.released()).as("the context is freed when the channel closes").isTrue();
    }

    @Test
    void payloadCompressionLeavesSmallFramesAsTextAndFreesItsContextWhenRemoved() {
        CompressionEncoder encoder = CompressionEncoder.payload();
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        channel.writeOutbound(text(ServerFrames.HEARTBEAT_ACK));
        WebSocketFrame small = channel.readOutbound();
        assertThat(small).isInstanceOf(TextWebSocketFrame.class);
        assertThat(new String(bytes(small), StandardCharsets.UTF_8)).isEqualTo(ServerFrames.HEARTBEAT_ACK.toString());

        EncodedFrame large = ServerFrames.dispatch(1, "GUILD_CREATE",
                ("{\"x\":\"" + "y".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8));
        channel.writeOutbound(text(large));
        WebSocketFrame compressed = channel.readOutbound();
        assertThat(compressed).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(bytes(compressed).length).isLessThan(large.size() / 10);

        channel.pipeline().remove(encoder);
        assertThat(encoder.released()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void identifysFlagInstallsPayloadCompressionOnceAndNeverOverTransportCompression() {
        EmbeddedChannel plain = new EmbeddedChannel(new GatewayConnection(null, null, null, null, null, null));
        CompressionEncoder.onIdentify(plain, true);
        CompressionEncoder payload = (CompressionEncoder) plain.pipeline().get(CompressionEncoder.NAME);
        assertThat(payload).isNotNull();
        CompressionEncoder.onIdentify(plain, true);
        assertThat(plain.pipeline().get(CompressionEncoder.NAME)).isSameAs(payload);
        // A later IDENTIFY without the flag (the first was refused with op 9) gets plain text again.
        CompressionEncoder.onIdentify(plain, false);
        assertThat(plain.pipeline().get(CompressionEncoder.NAME)).isNull();
        assertThat(payload.released()).isTrue();
        plain.finishAndReleaseAll();

        EmbeddedChannel transported = new EmbeddedChannel(new GatewayConnection(null, null, null, null, null, null));
        CompressionEncoder transport = CompressionEncoder.transport(Compression.ZSTD_STREAM);
        transported.pipeline().addFirst(CompressionEncoder.NAME, transport);
        CompressionEncoder.onIdentify(transported, true);
        CompressionEncoder.onIdentify(transported, false);
        assertThat(transported.pipeline().get(CompressionEncoder.NAME)).isSameAs(transport);
        transported.finishAndReleaseAll();
        assertThat(transport.released()).isTrue();
    }
}
