package one.derailed.gateway.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * ConnectRequest is what a client asks for in the query of its WebSocket URL: {@code ?v=10&encoding=json
 * [&compress=zlib-stream|zstd-stream]}. A missing {@code v} or {@code encoding} means the defaults (10, json).
 */
public record ConnectRequest(int version, Compression compression) {
    public static final int GATEWAY_VERSION = 10;

    /** Parses the query of {@code uri}; refusals carry close code 4012 and a reason for the client. */
    public static ConnectRequest parse(String uri) throws PayloadException {
        Map<String, String> query = query(uri);
        String v = query.getOrDefault("v", String.valueOf(GATEWAY_VERSION));
        if (!v.equals(String.valueOf(GATEWAY_VERSION))) {
            throw new PayloadException(CloseCode.INVALID_API_VERSION,
                    "gateway version " + v + " is not served: use v=10");
        }
        String encoding = query.getOrDefault("encoding", "json");
        if (!encoding.equals("json")) {
            throw new PayloadException(CloseCode.INVALID_API_VERSION,
                    "encoding " + encoding + " is not served: only encoding=json is");
        }
        String compress = query.get("compress");
        Compression compression = Compression.NONE;
        if (compress != null && !compress.isEmpty()) {
            compression = null;
            for (Compression c : Compression.values()) {
                if (compress.equals(c.queryValue())) {
                    compression = c;
                }
            }
            if (compression == null) {
                // Not 4002: libraries resume after 4002 and would retry the same URL forever.
                throw new PayloadException(CloseCode.INVALID_API_VERSION,
                        "compress=" + compress + " is not served: use zlib-stream, zstd-stream or none");
            }
        }
        return new ConnectRequest(GATEWAY_VERSION, compression);
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> params = new HashMap<>();
        int start = uri.indexOf('?');
        if (start < 0) {
            return params;
        }
        for (String pair : uri.substring(start + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.putIfAbsent(decode(key), decode(value));
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
