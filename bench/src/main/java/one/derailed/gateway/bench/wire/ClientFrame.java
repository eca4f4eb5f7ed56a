package one.derailed.gateway.bench.wire;

/**
 * ClientFrame writes one client-to-server WebSocket frame (RFC 6455 section 5.2: FIN set, masked with a 4-byte key)
 * into a caller's array. Pure.
 */
final class ClientFrame {
    /** Header bytes at most: 2 + 8 (64-bit length) + 4 (mask key). */
    static final int MAX_HEADER = 14;

    private ClientFrame() {}

    /**
     * Encodes {@code payload[offset, offset + length)} as one final frame of {@code opcode} masked with
     * {@code maskKey} into {@code out} from {@code at} (which needs {@code length + MAX_HEADER} bytes); returns the
     * index after the frame.
     */
    static int encode(int opcode, byte[] payload, int offset, int length, int maskKey, byte[] out, int at) {
        out[at++] = (byte) (0x80 | opcode);
        if (length < 126) {
            out[at++] = (byte) (0x80 | length);
        } else if (length <= 0xFFFF) {
            out[at++] = (byte) (0x80 | 126);
            out[at++] = (byte) (length >>> 8);
            out[at++] = (byte) length;
        } else {
            out[at++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[at++] = (byte) ((long) length >>> shift);
            }
        }
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        System.arraycopy(mask, 0, out, at, 4);
        at += 4;
        for (int i = 0; i < length; i++) {
            out[at + i] = (byte) (payload[offset + i] ^ mask[i & 3]);
        }
        return at + length;
    }
}
