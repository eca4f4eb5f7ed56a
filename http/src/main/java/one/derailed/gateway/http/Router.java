package one.derailed.gateway.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Router picks the {@link Endpoint} of a request by exact path and method: an unknown path is answered 404, a known
 * path with another method 405 with {@code Allow}. Built once, read only afterwards, so it is shared by every
 * connection. {@code HEAD} is answered as {@code GET} without the body.
 */
public final class Router {
    private final Map<String, Map<HttpMethod, Endpoint>> routes;

    private Router(Map<String, Map<HttpMethod, Endpoint>> routes) {
        this.routes = routes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The paths served, for an index page or a log line. */
    public java.util.Set<String> paths() {
        return routes.keySet();
    }

    CompletionStage<FullHttpResponse> route(Request request) {
        Map<HttpMethod, Endpoint> byMethod = routes.get(request.path());
        if (byMethod == null) {
            return CompletableFuture.completedFuture(Responses.error(HttpResponseStatus.NOT_FOUND));
        }
        boolean head = request.method().equals(HttpMethod.HEAD) && !byMethod.containsKey(HttpMethod.HEAD);
        Endpoint endpoint = byMethod.get(head ? HttpMethod.GET : request.method());
        if (endpoint == null) {
            FullHttpResponse refused = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED);
            refused.headers().set(HttpHeaderNames.ALLOW,
                    byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", ")));
            return CompletableFuture.completedFuture(refused);
        }
        CompletionStage<FullHttpResponse> answer = endpoint.answer(request);
        return head ? answer.thenApply(Router::withoutBody) : answer;
    }

    private static FullHttpResponse withoutBody(FullHttpResponse response) {
        FullHttpResponse empty = response.replace(io.netty.buffer.Unpooled.EMPTY_BUFFER);
        response.release();
        return empty;
    }

    /** Builder collects routes; a path and method may be given once. */
    public static final class Builder {
        private final Map<String, Map<HttpMethod, Endpoint>> routes = new LinkedHashMap<>();

        public Builder get(String path, Endpoint endpoint) {
            return route(HttpMethod.GET, path, endpoint);
        }

        public Builder post(String path, Endpoint endpoint) {
            return route(HttpMethod.POST, path, endpoint);
        }

        public Builder route(HttpMethod method, String path, Endpoint endpoint) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a path starts with /: " + path);
            }
            if (routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, endpoint) != null) {
                throw new IllegalArgumentException(method + " " + path + " is routed twice");
            }
            return this;
        }

        public Router build() {
            Map<String, Map<HttpMethod, Endpoint>> frozen = new LinkedHashMap<>();
            routes.forEach((path, byMethod) -> frozen.put(path, Map.copyOf(byMethod)));
            return new Router(java.util.Collections.unmodifiableMap(frozen));
        }
    }
}
