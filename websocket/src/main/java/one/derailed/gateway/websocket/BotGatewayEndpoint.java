package one.derailed.gateway.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * BotGatewayEndpoint answers {@code GET /api/v10/gateway/bot} with {@code Authorization: Bot TOKEN}: where to connect,
 * how many shards to use (one per 1,000 guilds, at least one) and the session start limit. The token is checked
 * against the store on a small bounded executor, never on the event loop; the socket reads nothing more until the
 * answer is written, so answers stay in request order. A missing or bad token gets 401, a full executor 503.
 *
 * <p>{@code session_start_limit} is the user's live budget, counted by their User entity across every connection.
 */
final class BotGatewayEndpoint {
    static final String UNAUTHORIZED = "{\"message\":\"401: Unauthorized\",\"code\":0}";
    static final String BUSY = "{\"message\":\"the gateway is busy: retry shortly\",\"code\":0}";
    static final String FAILED = "{\"message\":\"500: Internal Server Error\",\"code\":0}";
    static final int GUILDS_PER_SHARD = 1000;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BotGatewayEndpoint.class);
    private static final String SCHEME = "Bot ";

    private final BotAccounts accounts;
    private final ExecutorService executor;
    private final String urlJson;

    BotGatewayEndpoint(BotAccounts accounts, ExecutorService executor, String urlJson) {
        this.accounts = accounts;
        this.executor = executor;
        this.urlJson = urlJson;
    }

    /**
     * Answers through {@code respond} (called on the channel's event loop), now for a request without a bot token,
     * later for one whose token must be checked.
     */
    void answer(ChannelHandlerContext ctx, String authorization,
                BiFunction<HttpResponseStatus, String, FullHttpResponse> json,
                BiConsumer<ChannelHandlerContext, FullHttpResponse> respond) {
        String token = tokenOf(authorization);
        if (token == null) {
            respond.accept(ctx, json.apply(HttpResponseStatus.UNAUTHORIZED, UNAUTHORIZED));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            executor.execute(() -> {
                HttpResponseStatus status;
                String body;
                try {
                    var account = accounts.account(token);
                    status = account.isPresent() ? HttpResponseStatus.OK : HttpResponseStatus.UNAUTHORIZED;
                    body = account.map(this::body).orElse(UNAUTHORIZED);
                } catch (RuntimeException e) {
                    LOG.warn("GET /gateway/bot: the token check failed", e);
                    status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                    body = FAILED;
                }
                HttpResponseStatus finalStatus = status;
                String finalBody = body;
                try {
                    ctx.channel().eventLoop().execute(() -> finish(ctx, json.apply(finalStatus, finalBody), respond));
                } catch (RejectedExecutionException stopping) {
                    // The edge is shutting down and the socket with it: nobody is left to answer.
                }
            });
        } catch (RejectedExecutionException busy) {
            FullHttpResponse response = json.apply(HttpResponseStatus.SERVICE_UNAVAILABLE, BUSY);
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.RETRY_AFTER, "1");
            finish(ctx, response, respond);
        }
    }

    private static void finish(ChannelHandlerContext ctx, FullHttpResponse response,
                               BiConsumer<ChannelHandlerContext, FullHttpResponse> respond) {
        respond.accept(ctx, response);
        ctx.channel().config().setAutoRead(true);
    }

    /** The token of {@code Bot TOKEN} (the scheme in any case), or null when there is none. */
    static String tokenOf(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /** The recommended shard count for a user in {@code guilds} guilds. */
    static int shardsFor(int guilds) {
        return Math.max(1, (guilds + GUILDS_PER_SHARD - 1) / GUILDS_PER_SHARD);
    }

    private String body(BotAccounts.Account account) {
        var limit = account.startLimit();
        return "{\"url\":" + urlJson + ",\"shards\":" + shardsFor(account.guilds())
                + ",\"session_start_limit\":{\"total\":" + limit.total() + ",\"remaining\":" + limit.remaining()
                + ",\"reset_after\":" + limit.resetAfterMillis() + ",\"max_concurrency\":" + limit.maxConcurrency()
                + "}}";
    }
}
