package one.derailed.gateway.app.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import one.derailed.gateway.http.Request;

/**
 * AdminGuard keeps web pages other than the admin page away from the admin API, which the operator listener's bearer
 * token alone does not do where there is no token (loopback, the default): any page in the operator's browser may
 * send requests to 127.0.0.1.
 *
 * <ul>
 *   <li>a request from a browser page names its {@code Origin}: it must be the listener itself (the admin page);</li>
 *   <li>an action ({@code POST}) must send {@code Content-Type: application/json}, which a page of another origin
 *       cannot send without the browser asking first (a CORS preflight this listener never allows);</li>
 *   <li>without a token, the {@code Host} must be a loopback address or {@code localhost}: a name of another site
 *       made to resolve to 127.0.0.1 (DNS rebinding) would otherwise be same-origin with the API.</li>
 * </ul>
 */
final class AdminGuard {
    /** Why a request was refused, with its HTTP status. */
    record Refusal(HttpResponseStatus status, String reason) {}

    private final boolean tokenRequired;

    AdminGuard(boolean tokenRequired) {
        this.tokenRequired = tokenRequired;
    }

    Optional<Refusal> check(Request request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, host)) {
            return Optional.of(new Refusal(HttpResponseStatus.FORBIDDEN,
                    "the admin API answers only the admin page of this listener, not " + origin));
        }
        if (!tokenRequired && !isLoopbackHost(host)) {
            return Optional.of(new Refusal(HttpResponseStatus.FORBIDDEN, "without a token the admin API answers "
                    + "only requests to a loopback address or localhost (Host: " + host + ")"));
        }
        if (request.method().equals(HttpMethod.POST)) {
            String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                return Optional.of(new Refusal(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                        "an admin action is a JSON body: send Content-Type: application/json"));
            }
        }
        return Optional.empty();
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            return host != null && uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host)
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end > 0 && name.substring(1, end).equals("::1");
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
