package one.derailed.gateway.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * InflightLimit lets at most {@code limit} calls execute at once across the services it wraps, and closes any call
 * beyond that at once with RESOURCE_EXHAUSTED. A call holds its place from its start until the server closes it or
 * the client cancels it, whichever comes first.
 */
final class InflightLimit implements ServerInterceptor {
    private final int limit;
    private final Semaphore places;

    InflightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.places = new Semaphore(limit);
    }

    /** Returns how many calls hold a place now. */
    int inFlight() {
        return limit - places.availablePermits();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        if (!places.tryAcquire()) {
            call.close(Status.RESOURCE_EXHAUSTED.withDescription(
                    "too many publishes in flight (limit " + limit + ")"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Place place = new Place();
        ServerCall<ReqT, RespT> releasing = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // Free the place before the client can see the reply and send its next call.
                place.release();
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<ReqT> listener;
        try {
            listener = next.startCall(releasing, headers);
        } catch (RuntimeException e) {
            place.release();
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                place.release();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                place.release();
                super.onComplete();
            }
        };
    }

    /** Place gives its permit back exactly once. */
    private final class Place {
        private final AtomicBoolean held = new AtomicBoolean(true);

        void release() {
            if (held.compareAndSet(true, false)) {
                places.release();
            }
        }
    }
}
