package one.derailed.gateway.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.http.OrderedResponder;
import one.derailed.gateway.http.Responses;

/**
 * HttpEndpoints answers the plain HTTP requests on the clients' port (health, readiness, where to connect, and,
 * through {@link BotGatewayEndpoint}, where a bot connects and with how many shards) and passes WebSocket upgrades
 * on to the WebSocket handlers, each in its turn: pipelined requests are answered in request order
 * ({@link OrderedResponder}). Operator endpoints (metrics) are on the operator listener, never here. On a node
 * without the {@code websocket} role ({@link #withoutGateway}) it serves health and readiness only, and answers an
 * upgrade or a gateway URL lookup with 503 {@link #NOT_A_GATEWAY_NODE}.
 */
final class HttpEndpoints extends OrderedResponder {
    /** The answer of a node without the websocket role to a client that wants the gateway. */
    static final String NOT_A_GATEWAY_NODE =
            "{\"message\":\"503: this node does not run the websocket role: connect to a gateway node\",\"code\":0}";

    /** Null on a node without the websocket role. */
    private final String publicUrl;
    private final BooleanSupplier ready;
    /** Null on a node without the websocket role. */
    private final BotGatewayEndpoint botGateway;

    HttpEndpoints(String publicUrl, BooleanSupplier ready, BotGatewayEndpoint botGateway, int maxPipelined) {
        super(maxPipelined);
        this.publicUrl = publicUrl;
        this.ready = ready;
        this.botGateway = botGateway;
    }

    static HttpEndpoints withoutGateway(BooleanSupplier ready, int maxPipelined) {
        return new HttpEndpoints(null, ready, null, maxPipelined);
    }

    private boolean servesGateway() {
        return botGateway != null;
    }

    @Override
    protected CompletionStage<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (upgrade && servesGateway()) {
            return PASS;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (upgrade || (!servesGateway() && isGatewayLookup(path))) {
            return now(Responses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, NOT_A_GATEWAY_NODE));
        }
        if (request.method() != HttpMethod.GET) {
            return now(Responses.json(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "{\"message\":\"only GET is served here\",\"code\":0}"));
        }
        return switch (path) {
            case "/healthz" -> now(Responses.json(HttpResponseStatus.OK, "{\"status\":\"ok\"}"));
            case "/readyz" -> now(ready.getAsBoolean()
                    ? Responses.json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                    : Responses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"starting\"}"));
            case "/api/v10/gateway", "/api/gateway" -> now(Responses.json(HttpResponseStatus.OK,
                    "{\"url\":" + jsonString(publicUrl) + "}"));
            case "/api/v10/gateway/bot", "/api/gateway/bot" ->
                    botGateway.answer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            default -> now(Responses.error(HttpResponseStatus.NOT_FOUND));
        };
    }

    private static CompletionStage<FullHttpResponse> now(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static boolean isGatewayLookup(String path) {
        return path.equals("/api/v10/gateway") || path.equals("/api/gateway")
                || path.equals("/api/v10/gateway/bot") || path.equals("/api/gateway/bot");
    }

    static String jsonString(String text) {
        return new String(one.derailed.gateway.core.discord.JsonBytes.string(text), StandardCharsets.UTF_8);
    }
}
