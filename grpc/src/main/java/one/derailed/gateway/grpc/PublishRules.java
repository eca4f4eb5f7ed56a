package one.derailed.gateway.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import one.derailed.grpc.Message;

/**
 * PublishRules are the rules every ingress request must follow; each check returns the decoded value or throws
 * INVALID_ARGUMENT naming the field.
 *
 * <ul>
 *   <li>ids ({@code guild_id}, {@code user_id}) are snowflakes: ASCII decimal digits only, no sign or whitespace,
 *       with a value in 1..{@link Long#MAX_VALUE};</li>
 *   <li>{@code message} is required;</li>
 *   <li>{@code event} is 1..{@value #MAX_EVENT_LENGTH} characters of {@code A-Z}, {@code 0-9} and {@code _};</li>
 *   <li>{@code data} is exactly one JSON value in UTF-8 ({@link JsonText}), at most the gateway's largest event
 *       (RESOURCE_EXHAUSTED past it); its bytes are kept as they came.</li>
 * </ul>
 */
final class PublishRules {
    /** The longest event name accepted; Discord's longest is well under half of it. */
    static final int MAX_EVENT_LENGTH = 64;

    /** How much of a rejected value an error message quotes back. */
    private static final int MAX_ECHO = 40;

    /** CheckedEvent is a {@link Message} that passed the rules: its name and the exact UTF-8 bytes of its data. */
    record CheckedEvent(String name, byte[] data) {}

    private PublishRules() {}

    /** Returns the snowflake {@code value} of {@code field}, or throws INVALID_ARGUMENT. */
    static long snowflake(String field, String value) {
        if (!isDigits(value)) {
            throw invalid(field + " must be a decimal snowflake, got " + quote(value));
        }
        long id;
        try {
            id = Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            throw invalid(field + " must be a decimal snowflake no larger than " + Long.MAX_VALUE + ", got "
                    + quote(value));
        }
        if (id == 0) {
            throw invalid(field + " must be a decimal snowflake greater than 0, got " + quote(value));
        }
        return id;
    }

    /**
     * Returns the checked event of {@code message} (null when the request has none), or throws INVALID_ARGUMENT, or
     * RESOURCE_EXHAUSTED when its data is larger than {@code maxDataBytes}.
     */
    static CheckedEvent event(Message message, long maxDataBytes) {
        if (message == null) {
            throw invalid("message is required");
        }
        String name = message.getEvent();
        if (!isEventName(name)) {
            throw invalid("event must be 1 to " + MAX_EVENT_LENGTH
                    + " characters of A-Z, 0-9 and _, got " + quote(name));
        }
        if (message.getDataBytes().size() > maxDataBytes) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("data of " + message.getDataBytes().size()
                    + " bytes is over the gateway's limit of " + maxDataBytes + " bytes (limits.max-event-bytes):"
                    + " the event was not delivered").asRuntimeException();
        }
        byte[] data = message.getDataBytes().toByteArray();
        JsonText.problemWith(data).ifPresent(problem -> {
            throw invalid("data must be JSON text: " + problem);
        });
        return new CheckedEvent(name, data);
    }

    static boolean isEventName(String name) {
        if (name.isEmpty() || name.length() > MAX_EVENT_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Only ASCII digits: {@link Long#parseLong} alone would also take a sign and other scripts' digits. */
    private static boolean isDigits(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String quote(String value) {
        String shown = value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) + "..." : value;
        return "'" + shown + "'";
    }

    private static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }
}
