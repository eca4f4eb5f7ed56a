package one.derailed.gateway.core.discord;

import java.nio.charset.StandardCharsets;

/** ResumedObject is RESUMED's {@code d}: {@code {"_trace": [...]}}, as Discord sends it. */
public final class ResumedObject {
    private static final byte[] DATA = ("{\"_trace\":[\"" + ReadyObject.TRACE + "\"]}")
            .getBytes(StandardCharsets.US_ASCII);

    private ResumedObject() {}

    /** The shared bytes (every RESUMED is the same). */
    public static byte[] data() {
        return DATA;
    }
}
