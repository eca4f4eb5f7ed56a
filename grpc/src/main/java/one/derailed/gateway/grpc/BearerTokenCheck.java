package one.derailed.gateway.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BearerTokenCheck lets a call through only when it carries {@code authorization: Bearer <token>} with the configured
 * shared secret; any other call is closed at once with UNAUTHENTICATED, before its request is read, so nothing is
 * published. The comparison takes the same time whatever the token sent (both sides are hashed to SHA-256 first, so
 * not even the secret's length leaks).
 */
final class BearerTokenCheck implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final String MISSING = "missing authorization metadata: send 'authorization: Bearer <DERAILED_GRPC_TOKEN>'";
    static final String NOT_BEARER = "the authorization metadata must be 'Bearer <DERAILED_GRPC_TOKEN>'";
    static final String WRONG = "wrong bearer token: send the gateway's DERAILED_GRPC_TOKEN";

    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenCheck.class);
    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    BearerTokenCheck(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a bearer token check needs a token");
        }
        this.expected = sha256(token);
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        String refusal = refusal(headers.get(AUTHORIZATION));
        if (refusal != null) {
            LOG.debug("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
                    call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), refusal);
            call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    /** Why {@code authorization} is refused, or null when it carries the token. */
    String refusal(String authorization) {
        if (authorization == null) {
            return MISSING;
        }
        if (authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return NOT_BEARER;
        }
        byte[] sent = sha256(authorization.substring(SCHEME.length()).strip());
        return MessageDigest.isEqual(sent, expected) ? null : WRONG;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
