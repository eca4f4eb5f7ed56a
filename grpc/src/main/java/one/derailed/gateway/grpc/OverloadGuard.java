package one.derailed.gateway.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.overload.ClientBytes;

/**
 * OverloadGuard pushes back on publishes while the node holds more for its clients than its bound
 * ({@code derailed.overload.max-client-bytes}): a publish is closed at once, before its request is read, with
 * RESOURCE_EXHAUSTED, a description that says so, and the standard {@code grpc-retry-pushback-ms} trailer telling a
 * retrying client how long to wait. Nothing is published, so the API can retry it later; other calls pass.
 */
final class OverloadGuard implements ServerInterceptor {
    /** How long a refused caller should wait before it tries again (gRPC's retry pushback, in milliseconds). */
    static final long RETRY_PUSHBACK_MILLIS = 1_000;
    static final Metadata.Key<String> RETRY_PUSHBACK =
            Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

    private final ClientBytes bytes;
    private final GatewayMetrics metrics;

    OverloadGuard(GatewayMetrics metrics) {
        this.bytes = metrics.clientBytes();
        this.metrics = metrics;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (!"publish".equals(call.getMethodDescriptor().getBareMethodName()) || !bytes.overLimit()) {
            return next.startCall(call, headers);
        }
        metrics.overloadRefused();
        Metadata trailers = new Metadata();
        trailers.put(RETRY_PUSHBACK, Long.toString(RETRY_PUSHBACK_MILLIS));
        call.close(Status.RESOURCE_EXHAUSTED.withDescription("the gateway is overloaded: it holds " + bytes.total()
                + " bytes for its clients, over its bound of " + bytes.limit()
                + " (derailed.overload.max-client-bytes); nothing was published, retry after a backoff"), trailers);
        return new ServerCall.Listener<>() {};
    }
}
