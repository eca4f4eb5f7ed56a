package one.derailed.gateway.http;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Endpoint answers one kind of request of the operator listener. It runs on the listener's own event loop, which no
 * client socket shares: an answer that takes long (a store read, an actor's reply) returns a stage completed later,
 * from any thread.
 */
@FunctionalInterface
public interface Endpoint {

    CompletionStage<FullHttpResponse> answer(Request request);

    /** An endpoint that answers at once. */
    static Endpoint of(Function<Request, FullHttpResponse> answer) {
        return request -> CompletableFuture.completedFuture(answer.apply(request));
    }
}
