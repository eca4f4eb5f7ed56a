package one.derailed.gateway.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import one.derailed.gateway.core.session.Connection;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;

/**
 * ChannelConnection is a Netty channel seen as a session's {@link Connection}. A frame's three parts go out as one
 * WebSocket message without being copied together, so an event's shared body is written, never duplicated.
 */
final class ChannelConnection implements Connection {
    /** RFC 6455 limits a close frame's payload to 125 bytes: 2 for the code, 123 for the reason. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final Channel channel;
    private volatile int serverCloseCode;

    ChannelConnection(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(EncodedFrame frame) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.head(), frame.body(), frame.tail())),
                channel.voidPromise());
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (serverCloseCode != 0) {
            return;
        }
        serverCloseCode = code.code();
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** The code the server closed with, or 0 while it has not. */
    int serverCloseCode() {
        return serverCloseCode;
    }

    boolean closing() {
        return serverCloseCode != 0;
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        String cut = new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.UTF_8);
        // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than send a broken character.
        return cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut;
    }
}
