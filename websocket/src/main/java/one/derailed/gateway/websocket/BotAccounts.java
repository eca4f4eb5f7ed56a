package one.derailed.gateway.websocket;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;

/**
 * BotAccounts is what {@code GET /api/v10/gateway/bot} needs to know about a token: whether it authenticates, how
 * many guilds its user is in, and the user's live session start budget. Implementations may block (the store is
 * JDBC, the budget an ask to the user's entity); the edge calls them off its event loop.
 */
@FunctionalInterface
public interface BotAccounts {

    /** How long the budget may take to arrive from the user's entity. */
    Duration LIMIT_TIMEOUT = Duration.ofSeconds(5);

    /** The account {@code token} authenticates, or empty when it does not authenticate. */
    Optional<Account> account(String token);

    /** A bot's guild count and its session start budget as IDENTIFY counts it. */
    record Account(int guilds, UserProtocol.StartLimit startLimit) {}

    /**
     * Tokens checked against the store as IDENTIFY checks them; the guild count is the user's memberships, the budget
     * comes from {@code startLimits} (the node's User entities).
     */
    static BotAccounts of(GatewayStore store, LongFunction<CompletionStage<UserProtocol.StartLimit>> startLimits) {
        return token -> {
            if (!(store.authenticate(token) instanceof Authentication.Authenticated authenticated)) {
                return Optional.empty();
            }
            long userId = authenticated.user().id();
            try {
                UserProtocol.StartLimit limit = startLimits.apply(userId).toCompletableFuture()
                        .get(LIMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return Optional.of(new Account(store.membershipsOf(userId).size(), limit));
            } catch (Exception e) {
                throw new IllegalStateException("the session start budget of user " + userId + " did not arrive", e);
            }
        };
    }
}
