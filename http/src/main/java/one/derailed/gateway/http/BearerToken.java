package one.derailed.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * BearerToken checks {@code Authorization: Bearer <token>} (the scheme in any case) against a shared secret in
 * constant time: both are hashed with SHA-256 first, so neither the secret nor its length can be told from timings.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    BearerToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a bearer token check needs a token");
        }
        this.expected = sha256(token);
    }

    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(sha256(authorization.substring(SCHEME.length()).strip()), expected);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
