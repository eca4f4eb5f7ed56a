package one.derailed.gateway.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's frames as Netty's own encoder writes them (as the gateway does), cut at every possible point. */
class FrameDecoderTest {
    private record Frame(boolean fin, int opcode, String payload) {}

    private static byte[] encode(WebSocketFrame... frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (WebSocketFrame frame : frames) {
            channel.writeOutbound(frame);
            ByteBuf out;
            while ((out = channel.readOutbound()) != null) {
                byte[] chunk = new byte[out.readableBytes()];
                out.readBytes(chunk);
                out.release();
                bytes.writeBytes(chunk);
            }
        }
        channel.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    private static List<Frame> decodeInPieces(byte[] wire, int cut) throws FrameDecoder.ProtocolException {
        List<Frame> frames = new ArrayList<>();
        FrameDecoder.Sink sink = (fin, opcode, payload, offset, length) ->
                frames.add(new Frame(fin, opcode, new String(payload, offset, length, StandardCharsets.ISO_8859_1)));
        byte[] carry = new byte[0];
        for (int from = 0; from < wire.length; from += cut) {
            int to = Math.min(wire.length, from + cut);
            byte[] joined = new byte[carry.length + to - from];
            System.arraycopy(carry, 0, joined, 0, carry.length);
            System.arraycopy(wire, from, joined, carry.length, to - from);
            int consumed = FrameDecoder.decode(joined, 0, joined.length, 1 << 20, sink);
            carry = java.util.Arrays.copyOfRange(joined, consumed, joined.length);
        }
        assertThat(carry).isEmpty();
        return frames;
    }

    @Test
    void findsEveryFrameWhereverTheReadsCutThem() throws Exception {
        String small = "{\"op\":11,\"d\":null,\"s\":null,\"t\":null}";
        String medium = "{\"op\":0,\"s\":2,\"t\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"" + "x".repeat(300) + "\"}}";
        String large = "y".repeat(70_000);
        byte[] wire = encode(new TextWebSocketFrame(small), new TextWebSocketFrame(medium),
                new TextWebSocketFrame(large), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
                new PingWebSocketFrame(Unpooled.wrappedBuffer("p".getBytes(StandardCharsets.US_ASCII))),
                new TextWebSocketFrame(false, 0, "first "), new ContinuationWebSocketFrame(true, 0, "second"));
        List<Frame> expected = List.of(new Frame(true, FrameDecoder.TEXT, small),
                new Frame(true, FrameDecoder.TEXT, medium), new Frame(true, FrameDecoder.TEXT, large),
                new Frame(true, FrameDecoder.BINARY, "\u0001\u0002\u0003"), new Frame(true, FrameDecoder.PING, "p"),
                new Frame(false, FrameDecoder.TEXT, "first "), new Frame(true, FrameDecoder.CONTINUATION, "second"));
        for (int cut : new int[] {1, 2, 3, 7, 126, 1000, wire.length}) {
            assertThat(decodeInPieces(wire, cut)).as("read in pieces of %d bytes", cut).isEqualTo(expected);
        }
    }

    @Test
    void leavesACutFrameUnconsumed() throws Exception {
        byte[] wire = encode(new TextWebSocketFrame("hello"), new TextWebSocketFrame("world"));
        List<String> seen = new ArrayList<>();
        int consumed = FrameDecoder.decode(wire, 0, wire.length - 1, 1024,
                (fin, opcode, payload, offset, length) -> seen.add(new String(payload, offset, length)));
        assertThat(seen).containsExactly("hello");
        assertThat(consumed).isEqualTo(7);
    }

    @Test
    void refusesWhatAServerMustNotSend() {
        FrameDecoder.Sink ignore = (fin, opcode, payload, offset, length) -> { };
        byte[] masked = {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'a'};
        assertThatThrownBy(() -> FrameDecoder.decode(masked, 0, masked.length, 1024, ignore))
                .hasMessageContaining("masked");
        byte[] reserved = {(byte) 0xC1, 0x01, 'a'};
        assertThatThrownBy(() -> FrameDecoder.decode(reserved, 0, reserved.length, 1024, ignore))
                .hasMessageContaining("reserved");
        byte[] tooLarge = encode(new TextWebSocketFrame("z".repeat(2000)));
        assertThatThrownBy(() -> FrameDecoder.decode(tooLarge, 0, tooLarge.length, 1024, ignore))
                .hasMessageContaining("over the limit");
        byte[] fragmentedPing = {(byte) 0x09, 0x00};
        assertThatThrownBy(() -> FrameDecoder.decode(fragmentedPing, 0, 2, 1024, ignore))
                .hasMessageContaining("control frame");
    }
}
