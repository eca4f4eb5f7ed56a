package one.derailed.gateway.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import one.derailed.gateway.core.metrics.GatewayMetrics;

/**
 * OutboundByteCounter sits next to the socket and counts the bytes written to it, by the compression the socket
 * negotiated, so bytes out reflect what really crossed the wire.
 */
@ChannelHandler.Sharable
final class OutboundByteCounter extends ChannelOutboundHandlerAdapter {
    /** The compression a socket's bytes are counted under; set at handshake, "none" until then. */
    static final AttributeKey<String> COMPRESSION = AttributeKey.valueOf("derailed.compression");

    private final GatewayMetrics metrics;

    OutboundByteCounter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            String compression = ctx.channel().attr(COMPRESSION).get();
            metrics.bytesOut(compression == null ? "none" : compression, bytes.readableBytes());
        }
        super.write(ctx, msg, promise);
    }
}
