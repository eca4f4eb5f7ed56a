package one.derailed.gateway.http;

import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * HttpLimits are the sizes every HTTP listener of the gateway reads at most: probes, scrapes, lookups and WebSocket
 * upgrades carry no more. A request past one of them is answered and its connection closed ({@link BadRequests}).
 */
public final class HttpLimits {
    /** The request line: method, target and version (past it: 414). */
    public static final int MAX_REQUEST_LINE_BYTES = 4096;
    /** All header lines together (past it: 431). */
    public static final int MAX_HEADER_BYTES = 8192;
    /** A request body (past it: 413, from Netty's aggregator). */
    public static final int MAX_BODY_BYTES = 8192;

    private HttpLimits() {}

    /** The HTTP/1.1 codec with these limits. */
    public static HttpServerCodec codec() {
        return new HttpServerCodec(MAX_REQUEST_LINE_BYTES, MAX_HEADER_BYTES, MAX_BODY_BYTES);
    }

    /** Whole requests of at most {@link #MAX_BODY_BYTES} of body. */
    public static HttpObjectAggregator aggregator() {
        return new HttpObjectAggregator(MAX_BODY_BYTES);
    }
}
