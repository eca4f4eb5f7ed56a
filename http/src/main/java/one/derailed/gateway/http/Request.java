package one.derailed.gateway.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;

/**
 * Request is what an {@link Endpoint} sees of an HTTP request: its method, path, query parameters, headers and body,
 * copied out of Netty's buffers, so an endpoint may keep it past the event loop's turn.
 */
public record Request(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
                      byte[] body) {

    /** The first value of query parameter {@code name}, or null. */
    public String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
