package one.derailed.gateway.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import one.derailed.gateway.protocol.Compression;
import one.derailed.gateway.protocol.StreamCompressor;
import one.derailed.gateway.protocol.ZlibPayloadCompressor;

/**
 * CompressionEncoder turns each outgoing text frame (one gateway message) into a binary frame holding that message
 * compressed with this connection's own context. It runs on the channel's event loop, so the context needs no lock;
 * the context's native memory is freed when the handler leaves the pipeline (at the latest when the channel closes).
 *
 * <p>Two kinds: transport compression ({@code compress=zlib-stream|zstd-stream} in the connect URL), installed at the
 * handshake, compresses every message; payload compression (IDENTIFY {@code compress: true}) compresses each message
 * of at least {@link ZlibPayloadCompressor#MIN_BYTES} as a zlib stream of its own and leaves smaller ones as text.
 * A connection has at most one: when it has transport compression, IDENTIFY's flag is ignored.
 */
final class CompressionEncoder extends MessageToMessageEncoder<TextWebSocketFrame> {
    static final String NAME = "derailed-compression";

    private final StreamCompressor compressor;
    private final int minBytes;
    private boolean released;

    private CompressionEncoder(StreamCompressor compressor, int minBytes) {
        super(TextWebSocketFrame.class);
        this.compressor = compressor;
        this.minBytes = minBytes;
    }

    /** An encoder for {@code compress=zlib-stream} or {@code compress=zstd-stream}. */
    static CompressionEncoder transport(Compression compression) {
        return new CompressionEncoder(StreamCompressor.forTransport(compression), 0);
    }

    /** An encoder for IDENTIFY {@code compress: true}. */
    static CompressionEncoder payload() {
        return new CompressionEncoder(new ZlibPayloadCompressor(), ZlibPayloadCompressor.MIN_BYTES);
    }

    /**
     * Installs transport compression in front of the handler of {@code ctx} (the gateway connection), before anything
     * is sent; does nothing for {@link Compression#NONE}.
     */
    static void installTransport(ChannelHandlerContext ctx, Compression compression) {
        if (compression != Compression.NONE) {
            ctx.pipeline().addBefore(ctx.name(), NAME, transport(compression));
        }
    }

    /**
     * Applies an IDENTIFY's {@code compress} flag: true installs payload compression unless the connection already
     * compresses (transport compression wins); false removes payload compression an earlier, refused IDENTIFY asked
     * for. Call it on the event loop before the session can send anything.
     */
    static void onIdentify(Channel channel, boolean compress) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext connection = pipeline.context(GatewayConnection.class);
        ChannelHandlerContext installed = pipeline.context(NAME);
        if (compress && installed == null && connection != null) {
            pipeline.addBefore(connection.name(), NAME, payload());
        } else if (!compress && installed != null && ((CompressionEncoder) installed.handler()).minBytes > 0) {
            pipeline.remove(NAME);
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TextWebSocketFrame frame, List<Object> out) {
        ByteBuf content = frame.content();
        if (content.readableBytes() < minBytes) {
            out.add(frame.retain());
            return;
        }
        byte[] compressed = compressor.compress(content.nioBuffers());
        out.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(compressed)));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        compressor.close();
        released = true;
    }

    /** Whether the context's native memory has been freed. */
    boolean released() {
        return released;
    }
}
