package one.derailed.gateway.websocket;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import one.derailed.gateway.http.Responses;

/**
 * BotGatewayEndpoint answers {@code GET /api/v10/gateway/bot} with {@code Authorization: Bot TOKEN}: where to connect,
 * how many shards to use (one per 1,000 guilds, at least one) and the session start limit. The token is checked
 * against the store on a small bounded executor, never on the event loop ({@link HttpEndpoints} keeps answers in
 * request order). A missing or bad token gets 401, a full executor 503.
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
     * The answer for {@code authorization}: at once for a request without a bot token, later (completed on a store
     * thread) for one whose token must be checked; 503 at once when the checks waiting are at their bound.
     */
    CompletionStage<FullHttpResponse> answer(String authorization) {
        String token = tokenOf(authorization);
        if (token == null) {
            return CompletableFuture.completedFuture(Responses.json(HttpResponseStatus.UNAUTHORIZED, UNAUTHORIZED));
        }
        try {
            return CompletableFuture.supplyAsync(() -> check(token), executor);
        } catch (RejectedExecutionException busy) {
            FullHttpResponse response = Responses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, BUSY);
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.RETRY_AFTER, "1");
            return CompletableFuture.completedFuture(response);
        }
    }

    private FullHttpResponse check(String token) {
        try {
            var account = accounts.account(token);
            return account.isPresent() ? Responses.json(HttpResponseStatus.OK, body(account.get()))
                    : Responses.json(HttpResponseStatus.UNAUTHORIZED, UNAUTHORIZED);
        } catch (RuntimeException e) {
            LOG.warn("GET /gateway/bot: the token check failed", e);
            return Responses.json(HttpResponseStatus.INTERNAL_SERVER_ERROR, FAILED);
        }
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
