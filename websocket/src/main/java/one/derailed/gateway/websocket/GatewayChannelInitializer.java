package one.derailed.gateway.websocket;

import io.netty.channel.ChannelInitializer;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.session.SessionLauncher;

/** The pipeline of a gateway socket, in order: this method is the spec. */
final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest plain HTTP request (health checks, upgrade requests): they carry no body worth more. */
    private static final int MAX_HTTP_REQUEST_BYTES = 8192;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SessionLauncher sessions;
    private final EdgeLimits limits;
    private final String publicUrl;
    private final BooleanSupplier ready;
    private final ChannelGroup sockets;
    private final BotGatewayEndpoint botGateway;

    GatewayChannelInitializer(SessionLauncher sessions, EdgeLimits limits, String publicUrl, BooleanSupplier ready,
                              ChannelGroup sockets, BotGatewayEndpoint botGateway, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.byteCounter = new OutboundByteCounter(metrics);
        this.sessions = sessions;
        this.limits = limits;
        this.publicUrl = publicUrl;
        this.ready = ready;
        this.sockets = sockets;
        this.botGateway = botGateway;
    }

    private final GatewayMetrics metrics;
    private final OutboundByteCounter byteCounter;

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast(byteCounter)
                .addLast(new FlushConsolidationHandler(256, true))
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
                .addLast(new HttpEndpoints(publicUrl, ready, botGateway, metrics))
                .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath("/")
                        .checkStartsWith(true)
                        .handleCloseFrames(false)
                        .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                .maxFramePayloadLength(limits.maxFrameBytes())
                                .allowExtensions(false)
                                .build())
                        .build()))
                .addLast(new WebSocketFrameAggregator(limits.maxFrameBytes()))
                // At the handshake (compress=...) or IDENTIFY (compress: true), GatewayConnection puts a
                // CompressionEncoder just in front of itself.
                .addLast(new GatewayConnection(sessions, limits, sockets, metrics));
    }
}
