package one.derailed.gateway.core.discord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import one.derailed.gateway.protocol.Json;

/** JsonBytes turns JSON values into the bytes a dispatch shares, and helps assemble payloads from encoded parts. */
public final class JsonBytes {
    private JsonBytes() {}

    public static byte[] bytes(Object node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Discord's ISO 8601 timestamp, or null. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** A JSON string literal with escaping, for hand-assembled payloads. */
    public static byte[] string(String text) {
        return bytes(Json.MAPPER.getNodeFactory().textNode(text));
    }

    /** Writes already-encoded JSON values as a JSON array into {@code out}. */
    public static void writeArray(ByteArrayOutputStream out, Iterable<byte[]> values) {
        out.write('[');
        boolean first = true;
        for (byte[] value : values) {
            if (!first) {
                out.write(',');
            }
            out.writeBytes(value);
            first = false;
        }
        out.write(']');
    }

    static void writeAscii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String snowflake(Long id) {
        return id == null ? null : Long.toString(id);
    }
}
