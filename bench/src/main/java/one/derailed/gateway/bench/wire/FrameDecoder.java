package one.derailed.gateway.bench.wire;

/**
 * FrameDecoder finds the server's WebSocket frames (RFC 6455 section 5.2: unmasked, no extensions) in a run of
 * received bytes and hands each whole frame's payload to a {@link Sink} as a slice of the same array: no copy and no
 * object per frame. What it cannot finish (a frame cut by the end of a read) it leaves unconsumed for the caller to
 * keep and offer again with the bytes that follow. Pure: no I/O, no state.
 */
final class FrameDecoder {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Receives each whole frame in order; {@code payload[offset, offset + length)} is valid only during the call. */
    interface Sink {
        void onFrame(boolean fin, int opcode, byte[] payload, int offset, int length);
    }

    /** A frame the server must not send: the connection is broken, the caller closes it (1002). */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    private FrameDecoder() {}

    /**
     * Hands every whole frame of {@code a[from, to)} to {@code sink}; returns the index of the first byte not
     * consumed ({@code to} when everything was). Frames larger than {@code maxPayload} are refused.
     */
    static int decode(byte[] a, int from, int to, int maxPayload, Sink sink) throws ProtocolException {
        int at = from;
        while (to - at >= 2) {
            int b0 = a[at] & 0xFF;
            int b1 = a[at + 1] & 0xFF;
            if ((b0 & 0x70) != 0) {
                throw new ProtocolException("reserved bits set without an extension");
            }
            if ((b1 & 0x80) != 0) {
                throw new ProtocolException("masked server frame");
            }
            int header = 2;
            long length = b1 & 0x7F;
            if (length == 126) {
                if (to - at < 4) {
                    break;
                }
                length = ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
                header = 4;
            } else if (length == 127) {
                if (to - at < 10) {
                    break;
                }
                length = 0;
                for (int i = 2; i < 10; i++) {
                    length = (length << 8) | (a[at + i] & 0xFF);
                }
                header = 10;
            }
            if (length > maxPayload || length < 0) {
                throw new ProtocolException("frame of " + length + " bytes, over the limit of " + maxPayload);
            }
            int opcode = b0 & 0x0F;
            if (opcode >= CLOSE && (length > 125 || (b0 & 0x80) == 0)) {
                throw new ProtocolException("control frame fragmented or over 125 bytes");
            }
            if (to - at - header < length) {
                break;
            }
            sink.onFrame((b0 & 0x80) != 0, opcode, a, at + header, (int) length);
            at += header + (int) length;
        }
        return at;
    }
}
