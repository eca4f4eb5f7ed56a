package one.derailed.gateway.websocket;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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
    /** The counter a socket's bytes go to, by the compression it negotiated at handshake. */
    private static final AttributeKey<Counter> COUNTER = AttributeKey.valueOf("derailed.bytes-out");

    private final Counter uncompressed;

    OutboundByteCounter(GatewayMetrics metrics) {
        this.uncompressed = metrics.bytesOut("none");
    }

    /** From now on the channel's bytes go to this counter (the one of the compression it negotiated). */
    static void countInto(Channel channel, Counter counter) {
        channel.attr(COUNTER).set(counter);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            Counter counter = ctx.channel().attr(COUNTER).get();
            (counter == null ? uncompressed : counter).increment(bytes.readableBytes());
        }
        super.write(ctx, msg, promise);
    }
}
