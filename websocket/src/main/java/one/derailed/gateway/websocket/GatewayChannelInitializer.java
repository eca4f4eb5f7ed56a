package one.derailed.gateway.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.session.SessionLauncher;
import one.derailed.gateway.http.BadRequests;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.http.HttpLimits;
import one.derailed.gateway.http.RequestDeadline;

/** The pipeline of a gateway socket, in order: this method is the spec. */
final class GatewayChannelInitializer extends ChannelInitializer<Channel> {
    private final SessionLauncher sessions;
    private final EdgeLimits limits;
    private final String publicUrl;
    private final BooleanSupplier ready;
    private final ChannelGroup sockets;
    private final BotGatewayEndpoint botGateway;
    private final GatewayMetrics metrics;
    private final OutboundByteCounter byteCounter;
    private final ConnectionLimit unidentified;
    private final WebSocketServerProtocolConfig webSocket;

    GatewayChannelInitializer(SessionLauncher sessions, EdgeLimits limits, String publicUrl, BooleanSupplier ready,
                              ChannelGroup sockets, BotGatewayEndpoint botGateway, GatewayMetrics metrics,
                              ConnectionLimit unidentified) {
        this.sessions = sessions;
        this.limits = limits;
        this.publicUrl = publicUrl;
        this.ready = ready;
        this.sockets = sockets;
        this.botGateway = botGateway;
        this.metrics = metrics;
        this.byteCounter = new OutboundByteCounter(metrics);
        this.unidentified = unidentified;
        // Immutable, so every socket shares it rather than keep a copy for its life.
        this.webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .handleCloseFrames(false)
                .handshakeTimeoutMillis(limits.handshakeTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(limits.maxFrameBytes())
                        .allowExtensions(false)
                        .build())
                .build();
    }

    @Override
    protected void initChannel(Channel channel) {
        FrameRateLimit frameRate = limits.frameRate();
        channel.pipeline()
                // Counts the socket until it identifies; one past the limits is answered 503 at accept.
                .addLast(unidentified)
                .addLast(byteCounter)
                .addLast(new FlushConsolidationHandler(256, true))
                .addLast(HttpLimits.codec())
                .addLast(HttpLimits.aggregator())
                .addLast(new RequestDeadline(limits.handshakeTimeout(), limits.keepAliveTimeout(),
                        metrics::httpTimeout))
                .addLast(BadRequests.INSTANCE)
                .addLast(new HttpEndpoints(publicUrl, ready, botGateway, limits.maxPipelinedRequests()))
                // Pings, pongs and the outbound bound, in front of Netty's handler that would answer pings itself.
                .addLast(new WebSocketGuard(frameRate, metrics.clientBytes()))
                .addLast(new WebSocketServerProtocolHandler(webSocket))
                .addLast(new WebSocketFrameAggregator(limits.maxFrameBytes()))
                // At the handshake (compress=...) or IDENTIFY (compress: true), GatewayConnection puts a
                // CompressionEncoder just in front of itself.
                .addLast(new GatewayConnection(sessions, limits, sockets, metrics, frameRate, unidentified));
    }

    /**
     * Takes the HTTP handlers out once the socket is a WebSocket (Netty's handshake replaces the codec and the
     * aggregator itself, and RequestDeadline leaves at its 101). They would see no more traffic, but their contexts,
     * and HttpEndpoints' queue of pipelined requests, would stay for the connection's life: ~0.3 KiB a session.
     */
    static void dropHttpHandlers(ChannelPipeline pipeline) {
        pipeline.remove(BadRequests.INSTANCE);
        pipeline.remove(HttpEndpoints.class);
    }
}
