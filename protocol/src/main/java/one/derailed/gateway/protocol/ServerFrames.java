package one.derailed.gateway.protocol;

import java.nio.charset.StandardCharsets;

/**
 * ServerFrames encodes what the server sends. Constant frames are encoded once; a dispatch costs one small head per
 * recipient in front of the event's shared bytes.
 */
public final class ServerFrames {
    public static final EncodedFrame HEARTBEAT_ACK = bare(Opcode.HEARTBEAT_ACK, "null");
    public static final EncodedFrame HEARTBEAT_REQUEST = bare(Opcode.HEARTBEAT, "null");
    public static final EncodedFrame RECONNECT = bare(Opcode.RECONNECT, "null");
    public static final EncodedFrame INVALID_SESSION_RESUMABLE = bare(Opcode.INVALID_SESSION, "true");
    public static final EncodedFrame INVALID_SESSION_NOT_RESUMABLE = bare(Opcode.INVALID_SESSION, "false");
    private static final byte[] DISPATCH_HEAD_OPEN = ascii("{\"op\":" + Opcode.DISPATCH.code() + ",\"s\":");
    private static final byte[] DISPATCH_HEAD_EVENT = ascii(",\"t\":\"");
    private static final byte[] DISPATCH_HEAD_DATA = ascii("\",\"d\":");
    private static final byte[] DISPATCH_TAIL = ascii("}");

    private ServerFrames() {}

    public static EncodedFrame hello(long heartbeatIntervalMillis) {
        return bare(Opcode.HELLO, "{\"heartbeat_interval\":" + heartbeatIntervalMillis + "}");
    }

    public static EncodedFrame invalidSession(boolean resumable) {
        return resumable ? INVALID_SESSION_RESUMABLE : INVALID_SESSION_NOT_RESUMABLE;
    }

    /**
     * A dispatch of {@code event} with sequence {@code seq}; {@code data} is the shared JSON of {@code d}.
     * Event names are upper-case ASCII (the ingress refuses anything else), so they need no escaping.
     */
    public static EncodedFrame dispatch(long seq, String event, byte[] data) {
        // One exact-size head per recipient and nothing else: this runs once per session for every event.
        int digits = decimalLength(seq);
        byte[] head = new byte[DISPATCH_HEAD_OPEN.length + digits + DISPATCH_HEAD_EVENT.length + event.length()
                + DISPATCH_HEAD_DATA.length];
        int at = put(head, 0, DISPATCH_HEAD_OPEN);
        at = putDecimal(head, at, digits, seq);
        at = put(head, at, DISPATCH_HEAD_EVENT);
        for (int i = 0; i < event.length(); i++) {
            head[at++] = (byte) event.charAt(i);
        }
        put(head, at, DISPATCH_HEAD_DATA);
        return new EncodedFrame(head, data, DISPATCH_TAIL);
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }

    /** Characters of {@code value} in decimal. */
    static int decimalLength(long value) {
        if (value < 0) { // never a sequence number; not worth a fast path
            return Long.toString(value).length();
        }
        int length = 1;
        for (long bound = 10; length < 19 && value >= bound; bound *= 10) {
            length++;
        }
        return length;
    }

    /** Writes {@code value} as its {@code length} decimal characters from {@code at}, with no String between. */
    private static int putDecimal(byte[] into, int at, int length, long value) {
        if (value < 0) {
            return put(into, at, ascii(Long.toString(value)));
        }
        int end = at + length;
        for (int i = end - 1; i >= at; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    /** A frame that is not a dispatch: {@code op} and {@code d}, with {@code s} and {@code t} null. */
    private static EncodedFrame bare(Opcode op, String dJson) {
        return EncodedFrame.whole(("{\"op\":" + op.code() + ",\"d\":" + dJson + ",\"s\":null,\"t\":null}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
