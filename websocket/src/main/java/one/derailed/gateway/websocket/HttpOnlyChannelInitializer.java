package one.derailed.gateway.websocket;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.http.BadRequests;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.http.HttpLimits;
import one.derailed.gateway.http.RequestDeadline;

/**
 * The pipeline of a node without the websocket role: HTTP only, for health and readiness; there is no WebSocket
 * handler behind it, so an upgrade ends at {@link HttpEndpoints} with a 503. Its connections count against the same
 * limits as a gateway node's unidentified ones, for as long as they are open.
 */
final class HttpOnlyChannelInitializer extends ChannelInitializer<Channel> {
    private final BooleanSupplier ready;
    private final EdgeLimits limits;
    private final GatewayMetrics metrics;
    private final ConnectionLimit connections;

    HttpOnlyChannelInitializer(BooleanSupplier ready, EdgeLimits limits, GatewayMetrics metrics,
                               ConnectionLimit connections) {
        this.ready = ready;
        this.limits = limits;
        this.metrics = metrics;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.pipeline()
                .addLast(connections)
                .addLast(HttpLimits.codec())
                .addLast(HttpLimits.aggregator())
                .addLast(new RequestDeadline(limits.handshakeTimeout(), limits.keepAliveTimeout(),
                        metrics::httpTimeout))
                .addLast(BadRequests.INSTANCE)
                .addLast(HttpEndpoints.withoutGateway(ready, limits.maxPipelinedRequests()));
    }
}
