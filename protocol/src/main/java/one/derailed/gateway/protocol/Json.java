package one.derailed.gateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Json holds the one configured Jackson mapper that every module shares. */
public final class Json {
    /**
     * The deepest nesting of arrays and objects the gateway reads anywhere: client payloads, and events the ingress
     * takes (which refuses deeper ones), so that no event is accepted that the gateway could not read back. Discord's
     * payloads stay far below it.
     */
    public static final int MAX_NESTING = 64;

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build())
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private Json() {}

    /** The JSON text {@code utf8} as a tree, or a missing node when it is not JSON (for payloads the gateway reads
     *  only to route them; the bytes themselves are forwarded untouched). */
    public static com.fasterxml.jackson.databind.JsonNode readOrMissing(byte[] utf8) {
        try {
            return MAPPER.readTree(utf8);
        } catch (java.io.IOException e) {
            return MAPPER.missingNode();
        }
    }
}
