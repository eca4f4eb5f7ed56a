package one.derailed.gateway.store;

import java.util.Objects;

/**
 * Authentication is the outcome of checking a token: {@link Authenticated} with its user, or {@link Rejected} with the
 * reason, which is safe to log but not meant for the client.
 */
public sealed interface Authentication {

    /** Authenticated is a token that verified for a user that may connect. */
    record Authenticated(UserRecord user) implements Authentication {
        public Authenticated {
            Objects.requireNonNull(user, "user");
        }
    }

    /** Rejected is a token that did not authenticate, with why (one of the constants below). */
    record Rejected(String reason) implements Authentication {

        /** The token is not of the Derailed format. */
        public static final String MALFORMED = "malformed token";
        /** The token names a user that does not exist. */
        public static final String UNKNOWN_USER = "unknown user";
        /** The token was not signed with the user's current password (forged, or the password changed). */
        public static final String INVALID_SIGNATURE = "invalid signature";
        /** The token is genuine but the user is suspended. */
        public static final String SUSPENDED = "user suspended";

        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
