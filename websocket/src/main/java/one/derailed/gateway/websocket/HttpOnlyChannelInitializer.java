package one.derailed.gateway.websocket;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.metrics.GatewayMetrics;

/**
 * The pipeline of a node without the websocket role: HTTP only, for health, readiness and metrics; there is no
 * WebSocket handler behind it, so an upgrade ends at {@link HttpEndpoints} with a 503.
 */
final class HttpOnlyChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest HTTP request: probes and scrapes carry no body. */
    private static final int MAX_HTTP_REQUEST_BYTES = 8192;

    private final BooleanSupplier ready;
    private final GatewayMetrics metrics;

    HttpOnlyChannelInitializer(BooleanSupplier ready, GatewayMetrics metrics) {
        this.ready = ready;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
                .addLast(HttpEndpoints.withoutGateway(ready, metrics));
    }
}
