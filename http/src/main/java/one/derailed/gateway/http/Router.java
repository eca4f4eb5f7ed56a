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
    /** Paths whose GET (and HEAD) is served without the bearer token. */
    private final java.util.Set<String> open;

    private Router(Map<String, Map<HttpMethod, Endpoint>> routes, java.util.Set<String> open) {
        this.routes = routes;
        this.open = open;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The paths served, for an index page or a log line. */
    public java.util.Set<String> paths() {
        return routes.keySet();
    }

    /** Whether a request needs no token: a GET or HEAD of a path routed with {@link Builder#getWithoutToken}. */
    boolean isOpen(HttpMethod method, String path) {
        return (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) && open.contains(path);
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
        private final java.util.Set<String> open = new java.util.HashSet<>();

        public Builder get(String path, Endpoint endpoint) {
            return route(HttpMethod.GET, path, endpoint);
        }

        /**
         * A GET answered without the bearer token, for static files that carry no data (a page and its script): a
         * browser's navigation cannot send {@code Authorization}, so the page asks for the token and its own requests
         * send it. Whatever the page then reads or does goes through routes that need the token.
         */
        public Builder getWithoutToken(String path, Endpoint endpoint) {
            open.add(path);
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
            return new Router(java.util.Collections.unmodifiableMap(frozen), java.util.Set.copyOf(open));
        }
    }
}
