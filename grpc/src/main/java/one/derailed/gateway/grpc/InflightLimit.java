package one.derailed.gateway.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * InflightLimit bounds what the calls it wraps hold at once: at most {@code limit} calls, and at most
 * {@code maxBytes} bytes of requests among them (10,000 calls of 4 MiB would otherwise be 40 GiB). A call past
 * either is closed at once with RESOURCE_EXHAUSTED and its request is dropped unread. A call holds its place from
 * its start, and its request's bytes from their arrival, until the server closes it or the client cancels it.
 */
final class InflightLimit implements ServerInterceptor {
    private final int limit;
    private final long maxBytes;
    private final Semaphore places;
    private final AtomicLong bytes = new AtomicLong();

    InflightLimit(int limit) {
        this(limit, Long.MAX_VALUE);
    }

    InflightLimit(int limit, long maxBytes) {
        if (limit < 1) {
            throw new IllegalArgumentException("in-flight limit must be at least 1, got " + limit);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("in-flight bytes must be at least 1, got " + maxBytes);
        }
        this.limit = limit;
        this.maxBytes = maxBytes;
        this.places = new Semaphore(limit);
    }

    /** Returns how many calls hold a place now. */
    int inFlight() {
        return limit - places.availablePermits();
    }

    /** Returns how many request bytes the calls in flight hold now. */
    long bytesInFlight() {
        return bytes.get();
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
            public void onMessage(ReqT message) {
                if (place.refused) {
                    return;
                }
                if (!place.hold(message instanceof MessageLite lite ? lite.getSerializedSize() : 0)) {
                    place.refused = true;
                    releasing.close(Status.RESOURCE_EXHAUSTED.withDescription("too many request bytes in flight "
                            + "(limit " + maxBytes + " bytes): retry after a backoff"), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!place.refused) {
                    super.onHalfClose();
                }
            }

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

    /** Place gives its permit and its bytes back exactly once. */
    private final class Place {
        private final AtomicBoolean held = new AtomicBoolean(true);
        private long heldBytes;
        /** The call was closed for its bytes: nothing more of it reaches the service. */
        volatile boolean refused;

        /** Takes {@code size} more bytes, unless that would pass the bound. */
        synchronized boolean hold(long size) {
            while (true) {
                long now = bytes.get();
                if (now + size > maxBytes && size > 0) {
                    return false;
                }
                if (bytes.compareAndSet(now, now + size)) {
                    heldBytes += size;
                    return true;
                }
            }
        }

        void release() {
            if (held.compareAndSet(true, false)) {
                places.release();
                synchronized (this) {
                    bytes.addAndGet(-heldBytes);
                    heldBytes = 0;
                }
            }
        }
    }
}
