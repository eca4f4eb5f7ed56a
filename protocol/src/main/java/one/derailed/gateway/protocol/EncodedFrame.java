package one.derailed.gateway.protocol;

/**
 * EncodedFrame is one server frame as JSON bytes in three parts: {@code head} is this recipient's own (op, seq, event
 * name), {@code body} is shared by every recipient of the same event and never copied, {@code tail} closes the object.
 * The WebSocket edge writes the three parts as one message without joining them.
 */
public record EncodedFrame(byte[] head, byte[] body, byte[] tail) {
    private static final byte[] EMPTY = new byte[0];

    /** A frame whose whole text is {@code bytes}. */
    public static EncodedFrame whole(byte[] bytes) {
        return new EncodedFrame(bytes, EMPTY, EMPTY);
    }

    public int size() {
        return head.length + body.length + tail.length;
    }

    /** The frame as one array: a copy, for tests and for compressors that need contiguous input. */
    public byte[] toBytes() {
        byte[] all = new byte[size()];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        System.arraycopy(tail, 0, all, head.length + body.length, tail.length);
        return all;
    }

    @Override
    public String toString() {
        return new String(toBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedFrame f && java.util.Arrays.equals(toBytes(), f.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
