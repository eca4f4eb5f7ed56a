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

/**
 * HttpEndpoints answers the plain HTTP requests on the gateway port (health, readiness, where to connect) and passes
 * WebSocket upgrades on to the WebSocket handlers.
 */
final class HttpEndpoints extends ChannelInboundHandlerAdapter {
    private final String publicUrl;
    private final BooleanSupplier ready;

    HttpEndpoints(String publicUrl, BooleanSupplier ready) {
        this.publicUrl = publicUrl;
        this.ready = ready;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            respond(ctx, request, route(request));
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
            default -> json(HttpResponseStatus.NOT_FOUND, "{\"message\":\"404: Not Found\",\"code\":0}");
        };
    }

    private static String jsonString(String text) {
        return new String(one.derailed.gateway.core.json.DiscordObjects.string(text), StandardCharsets.UTF_8);
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
