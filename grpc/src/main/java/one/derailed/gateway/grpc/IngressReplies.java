package one.derailed.gateway.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IngressReplies answers a gRPC call once its {@link one.derailed.gateway.core.ingress.EventIngress} stage is done.
 *
 * <p>Success sends the mapped reply. Failure sends a status and never the exception's text or stack:
 * <ul>
 *   <li>{@link TimeoutException}: UNAVAILABLE with the given timeout message: the outcome is unknown (the event may
 *       still be delivered), so the caller retries with the same idempotency key;</li>
 *   <li>{@link java.util.concurrent.RejectedExecutionException}: RESOURCE_EXHAUSTED: the entity refused the event
 *       (it was not delivered);</li>
 *   <li>{@link IllegalArgumentException}: INVALID_ARGUMENT with the exception's message;</li>
 *   <li>anything else: INTERNAL "failed while ..." naming the action.</li>
 * </ul>
 * Every failure is logged at warn; unexpected ones with their stack trace. The reply is sent from the thread that
 * completes the stage, which only serializes a small message.
 */
final class IngressReplies {
    private static final Logger LOG = LoggerFactory.getLogger(IngressReplies.class);

    private IngressReplies() {}

    /**
     * Calls {@code ingress} and answers {@code observer} with {@code reply} of its result, or with the failure's
     * status. {@code action} reads like "publishing MESSAGE_CREATE to guild 1"; {@code timeoutMessage} is what
     * UNAVAILABLE says.
     */
    static <T, R> void answer(StreamObserver<R> observer, Supplier<? extends CompletionStage<T>> ingress,
                              Function<? super T, ? extends R> reply, String action, String timeoutMessage) {
        CompletionStage<T> stage;
        try {
            stage = ingress.get();
        } catch (RuntimeException thrown) {
            fail(observer, thrown, action, timeoutMessage);
            return;
        }
        stage.whenComplete((result, failure) -> {
            if (failure != null) {
                fail(observer, failure, action, timeoutMessage);
                return;
            }
            R response;
            try {
                response = reply.apply(result);
            } catch (RuntimeException mapping) {
                fail(observer, mapping, action, timeoutMessage);
                return;
            }
            try {
                observer.onNext(response);
                observer.onCompleted();
            } catch (RuntimeException gone) {
                LOG.debug("gRPC ingress: could not reply after {}: {}", action, gone.toString());
            }
        });
    }

    /** Returns the status a client sees for {@code failure}. */
    static Status statusOf(Throwable failure, String action, String timeoutMessage) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            return Status.UNAVAILABLE.withDescription(timeoutMessage
                    + "; it may still be delivered: retry with the same idempotency-key");
        }
        if (cause instanceof java.util.concurrent.RejectedExecutionException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(cause.getMessage() + " (not delivered)");
        }
        if (cause instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(
                    cause.getMessage() == null ? "invalid argument while " + action : cause.getMessage());
        }
        return Status.INTERNAL.withDescription("failed while " + action);
    }

    private static void fail(StreamObserver<?> observer, Throwable failure, String action, String timeoutMessage) {
        Status status = statusOf(failure, action, timeoutMessage);
        if (status.getCode() == Status.Code.INTERNAL) {
            LOG.warn("gRPC ingress: {} failed", action, unwrap(failure));
        } else {
            LOG.warn("gRPC ingress: {} failed: {} {}", action, status.getCode(), status.getDescription());
        }
        try {
            observer.onError(status.asRuntimeException());
        } catch (RuntimeException gone) {
            LOG.debug("gRPC ingress: could not reply after {}: {}", action, gone.toString());
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
