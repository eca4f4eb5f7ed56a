package one.derailed.gateway.grpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import one.derailed.gateway.protocol.Json;

/**
 * JsonText checks that bytes are exactly one well-formed JSON value in UTF-8 (RFC 8259): an object, array, string,
 * number, {@code true}, {@code false} or {@code null}, with nothing but whitespace around it.
 *
 * <p>It streams over the bytes once, skipping over containers without building anything, so the caller keeps and
 * forwards the very bytes it checked. Rules beyond the grammar:
 * <ul>
 *   <li>the text must start with whitespace or the first character of a value, which rules out a byte order mark
 *       and UTF-16/UTF-32 text (the parser would otherwise detect and accept those encodings);</li>
 *   <li>no comments, single quotes, NaN, leading zeros or unescaped control characters (Jackson's strict defaults);</li>
 *   <li>arrays and objects nest at most {@link #MAX_DEPTH} deep;</li>
 *   <li>size is bounded by whoever hands the text over (the gRPC server caps inbound messages).</li>
 * </ul>
 */
public final class JsonText {
    /** The deepest nesting of arrays and objects accepted: the gateway's one limit ({@link Json#MAX_NESTING}). */
    public static final int MAX_DEPTH = Json.MAX_NESTING;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** Jackson's locations read "[Source: REDACTED (...); line: 1, column: 2]"; keep the line and column. */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\[Source: [^;]*; ([^]]*)]");

    private JsonText() {}

    /** Returns whether {@code utf8} is exactly one well-formed JSON value. */
    public static boolean isValid(byte[] utf8) {
        return problemWith(utf8).isEmpty();
    }

    /** Returns the parser's short reason why {@code utf8} is not exactly one well-formed JSON value, or empty. */
    public static Optional<String> problemWith(byte[] utf8) {
        int start = firstNonWhitespace(utf8);
        if (start == utf8.length) {
            return Optional.of("no value (the text is empty or only whitespace)");
        }
        if (!startsValue(utf8[start]) || hasNulAtStart(utf8)) {
            return Optional.of(String.format("unexpected byte 0x%02X at offset %d, expected the start of a value",
                    utf8[start] & 0xFF, start));
        }
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            parser.nextToken();
            parser.skipChildren();
            JsonToken after = parser.nextToken();
            if (after != null) {
                JsonLocation where = parser.currentTokenLocation();
                return Optional.of("unexpected " + describe(after) + " after the value at line " + where.getLineNr()
                        + ", column " + where.getColumnNr() + " (only one value is allowed)");
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(shorten(e.getOriginalMessage()) + atLocation(e.getLocation()));
        } catch (IOException e) {
            return Optional.of(shorten(e.getMessage()));
        }
    }

    private static int firstNonWhitespace(byte[] utf8) {
        int i = 0;
        while (i < utf8.length && (utf8[i] == ' ' || utf8[i] == '\t' || utf8[i] == '\n' || utf8[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean startsValue(byte b) {
        return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9')
                || b == 't' || b == 'f' || b == 'n';
    }

    /** The parser guesses UTF-16 or UTF-32 from NUL bytes among the first four; UTF-8 JSON never has one there. */
    private static boolean hasNulAtStart(byte[] utf8) {
        for (int i = 0; i < Math.min(4, utf8.length); i++) {
            if (utf8[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> "'" + token.asString() + "'";
        };
    }

    private static String atLocation(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String shorten(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return SOURCE_LOCATION.matcher(line).replaceAll("$1");
    }
}
