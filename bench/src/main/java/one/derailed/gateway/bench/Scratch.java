package one.derailed.gateway.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Scratch is one event loop's reusable buffers for decompression: a message is inflated into {@link #bytes} for
 * scanning, so a session keeps no buffer of its own between messages. Used only from its loop's thread.
 */
final class Scratch {
    private static final int INITIAL = 64 * 1024;

    byte[] bytes = new byte[INITIAL];
    ByteBuffer directIn = ByteBuffer.allocateDirect(INITIAL);
    ByteBuffer directOut = ByteBuffer.allocateDirect(INITIAL);

    void ensure(int length) {
        if (bytes.length < length) {
            bytes = Arrays.copyOf(bytes, Math.max(length, bytes.length * 2));
        }
    }

    ByteBuffer directIn(int length) {
        if (directIn.capacity() < length) {
            directIn = ByteBuffer.allocateDirect(Math.max(length, directIn.capacity() * 2));
        }
        directIn.clear();
        return directIn;
    }

    /** Replaces the direct output buffer by one twice its size holding what it held so far; returns it. */
    ByteBuffer growDirectOut() {
        ByteBuffer bigger = ByteBuffer.allocateDirect(directOut.capacity() * 2);
        directOut.flip();
        bigger.put(directOut);
        directOut = bigger;
        return bigger;
    }
}
