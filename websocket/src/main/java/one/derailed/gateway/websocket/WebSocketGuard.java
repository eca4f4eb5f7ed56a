package one.derailed.gateway.websocket;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.protocol.CloseCode;

/**
 * WebSocketGuard holds a socket's WebSocket control frames and everything the server writes to the socket to the
 * socket's bounds. It sits in front of Netty's WebSocket protocol handler, which would otherwise answer every ping
 * with a pong however fast they come and whether or not the client reads them.
 *
 * <ul>
 *   <li>Pings and pongs from the client count against the client frame rate ({@link FrameRateLimit}); one too many
 *       closes with 4008, as a payload would. A ping is answered with a pong only while the socket is under its
 *       high-water mark; the pong's bytes count into the node's {@link ClientBytes} until written.</li>
 *   <li>Any frame written while the socket is over its high-water mark (a dispatch, HELLO, a heartbeat ACK, a pong)
 *       is dropped and the socket closed resumably (4000), as {@link ChannelConnection#send} does: a client that does
 *       not read holds at most the high-water mark. The one close frame goes through regardless; the close is cut
 *       after a grace if even that cannot be flushed.</li>
 * </ul>
 */
final class WebSocketGuard extends ChannelDuplexHandler {
    private final FrameRateLimit rate;
    private final ClientBytes bytes;
    private boolean closeFrameWritten;

    WebSocketGuard(FrameRateLimit rate, ClientBytes bytes) {
        this.rate = rate;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PingWebSocketFrame) && !(msg instanceof PongWebSocketFrame)) {
            super.channelRead(ctx, msg);
            return;
        }
        WebSocketFrame control = (WebSocketFrame) msg;
        try {
            if (!rate.admit(System.nanoTime())) {
                close(ctx, CloseCode.RATE_LIMITED, ChannelConnection.rateLimitReason(rate));
            } else if (control instanceof PingWebSocketFrame ping) {
                pong(ctx, ping);
            }
        } finally {
            ReferenceCountUtil.release(control);
        }
    }

    private void pong(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
        if (!ctx.channel().isWritable()) {
            close(ctx, CloseCode.UNKNOWN_ERROR, ChannelConnection.NOT_READING);
            return;
        }
        int size = ping.content().readableBytes() + 2;
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()),
                ChannelConnection.counted(ctx.channel(), bytes, size));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof WebSocketFrame frame) || ctx.channel().isWritable()) {
            closeFrameWritten |= msg instanceof CloseWebSocketFrame;
            super.write(ctx, msg, promise);
            return;
        }
        if (frame instanceof CloseWebSocketFrame && !closeFrameWritten) {
            closeFrameWritten = true;
            super.write(ctx, msg, promise);
            return;
        }
        ReferenceCountUtil.release(frame);
        promise.trySuccess();
        close(ctx, CloseCode.UNKNOWN_ERROR, ChannelConnection.NOT_READING);
    }

    private static void close(ChannelHandlerContext ctx, CloseCode code, String reason) {
        ChannelConnection connection = ctx.channel().attr(ChannelConnection.KEY).get();
        if (connection != null) {
            connection.close(code, reason);
        } else {
            ctx.close();
        }
    }
}
