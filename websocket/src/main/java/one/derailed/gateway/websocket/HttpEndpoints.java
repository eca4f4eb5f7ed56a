package one.derailed.gateway.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.metrics.GatewayMetrics;

/**
 * HttpEndpoints answers the plain HTTP requests on the gateway port (health, readiness, metrics, where to connect,
 * and, through {@link BotGatewayEndpoint}, where a bot connects and with how many shards) and passes WebSocket
 * upgrades on to the WebSocket handlers. On a node without the {@code websocket} role ({@link #withoutGateway}) it
 * serves health, readiness and metrics only, and answers an upgrade or a gateway URL lookup with 503
 * {@link #NOT_A_GATEWAY_NODE}.
 */
final class HttpEndpoints extends ChannelInboundHandlerAdapter {
    /** The answer of a node without the websocket role to a client that wants the gateway. */
    static final String NOT_A_GATEWAY_NODE =
            "{\"message\":\"503: this node does not run the websocket role: connect to a gateway node\",\"code\":0}";

    /** Null on a node without the websocket role. */
    private final String publicUrl;
    private final BooleanSupplier ready;
    /** Null on a node without the websocket role. */
    private final BotGatewayEndpoint botGateway;
    private final GatewayMetrics metrics;

    HttpEndpoints(String publicUrl, BooleanSupplier ready, BotGatewayEndpoint botGateway, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.publicUrl = publicUrl;
        this.ready = ready;
        this.botGateway = botGateway;
    }

    static HttpEndpoints withoutGateway(BooleanSupplier ready, GatewayMetrics metrics) {
        return new HttpEndpoints(null, ready, null, metrics);
    }

    private boolean servesGateway() {
        return botGateway != null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (upgrade && servesGateway()) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String path = new QueryStringDecoder(request.uri()).path();
            if (upgrade) {
                respond(ctx, false, json(HttpResponseStatus.SERVICE_UNAVAILABLE, NOT_A_GATEWAY_NODE));
            } else if (!servesGateway() && isGatewayLookup(path)) {
                respond(ctx, keepAlive, json(HttpResponseStatus.SERVICE_UNAVAILABLE, NOT_A_GATEWAY_NODE));
            } else if (request.method() == HttpMethod.GET
                    && (path.equals("/api/v10/gateway/bot") || path.equals("/api/gateway/bot"))) {
                botGateway.answer(ctx, request.headers().get(HttpHeaderNames.AUTHORIZATION), HttpEndpoints::json,
                        (context, response) -> respond(context, keepAlive, response));
            } else {
                respond(ctx, keepAlive, route(request));
            }
        } finally {
            request.release();
        }
    }

    private FullHttpResponse route(FullHttpRequest request) {
        if (request.method() != HttpMethod.GET) {
            return json(HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"message\":\"only GET is served here\",\"code\":0}");
        }
        String path = new QueryStringDecoder(request.uri()).path();
        return switch (path) {
            case "/healthz" -> json(HttpResponseStatus.OK, "{\"status\":\"ok\"}");
            case "/readyz" -> ready.getAsBoolean()
                    ? json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                    : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"starting\"}");
            case "/api/v10/gateway", "/api/gateway" -> json(HttpResponseStatus.OK,
                    "{\"url\":" + jsonString(publicUrl) + "}");
            case "/metrics" -> prometheus(metrics.scrape());
            default -> json(HttpResponseStatus.NOT_FOUND, "{\"message\":\"404: Not Found\",\"code\":0}");
        };
    }

    private static boolean isGatewayLookup(String path) {
        return path.equals("/api/v10/gateway") || path.equals("/api/gateway")
                || path.equals("/api/v10/gateway/bot") || path.equals("/api/gateway/bot");
    }

    static String jsonString(String text) {
        return new String(one.derailed.gateway.core.discord.JsonBytes.string(text), StandardCharsets.UTF_8);
    }

    private static FullHttpResponse prometheus(String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
