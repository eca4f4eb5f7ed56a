package one.derailed.gateway.websocket;

import java.util.OptionalInt;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;

/**
 * BotAccounts is what {@code GET /api/v10/gateway/bot} needs to know about a token: whether it authenticates, and how
 * many guilds its user is in. Implementations may block (the store is JDBC); the edge calls them off its event loop.
 */
@FunctionalInterface
public interface BotAccounts {

    /** Refuses every token: for an edge started without a store. */
    BotAccounts NONE = token -> OptionalInt.empty();

    /** The number of guilds of the user {@code token} authenticates, or empty when it does not authenticate. */
    OptionalInt guildCount(String token);

    /** Tokens checked against the store as IDENTIFY checks them; the guild count is the user's memberships. */
    static BotAccounts of(GatewayStore store) {
        return token -> store.authenticate(token) instanceof Authentication.Authenticated authenticated
                ? OptionalInt.of(store.membershipsOf(authenticated.user().id()).size())
                : OptionalInt.empty();
    }
}
