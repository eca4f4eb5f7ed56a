package one.derailed.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * IdempotencyKeys reads a call's {@code idempotency-key} metadata, so that an API retrying a publish whose answer it
 * never got (UNAVAILABLE or DEADLINE_EXCEEDED: the event may still be delivered) can send the same key again and have
 * it delivered at most once (docs/grpc.md). A key is 1 to {@value #MAX_KEY_LENGTH} visible ASCII characters; any
 * other value is refused with INVALID_ARGUMENT before the request is read.
 */
final class IdempotencyKeys implements ServerInterceptor {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
    static final int MAX_KEY_LENGTH = 128;
    /** The call's key, or null when it sent none. */
    static final Context.Key<String> KEY = Context.key("derailed-idempotency-key");

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        String key = headers.get(HEADER);
        if (key == null) {
            return next.startCall(call, headers);
        }
        if (!valid(key)) {
            call.close(Status.INVALID_ARGUMENT.withDescription("idempotency-key must be 1 to " + MAX_KEY_LENGTH
                    + " visible ASCII characters"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(KEY, key), call, headers, next);
    }

    static boolean valid(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The current call's key, or null. */
    static String current() {
        return KEY.get();
    }
}
