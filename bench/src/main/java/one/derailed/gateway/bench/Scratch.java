package one.derailed.gateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Scratch is one event-loop thread's reusable buffers: received frames are copied (or decompressed) into
 * {@link #bytes} for scanning, so a session keeps no buffer of its own between frames.
 */
final class Scratch {
    private static final int INITIAL = 64 * 1024;
    private static final FastThreadLocal<Scratch> LOCAL = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    byte[] bytes = new byte[INITIAL];
    byte[] input = new byte[INITIAL];
    ByteBuffer directIn = ByteBuffer.allocateDirect(INITIAL);
    ByteBuffer directOut = ByteBuffer.allocateDirect(INITIAL);

    static Scratch get() {
        return LOCAL.get();
    }

    /** Copies the readable bytes of {@code buf} into {@link #bytes}; returns how many. */
    int copy(ByteBuf buf) {
        int length = buf.readableBytes();
        ensure(length);
        buf.getBytes(buf.readerIndex(), bytes, 0, length);
        return length;
    }

    void ensure(int length) {
        if (bytes.length < length) {
            bytes = Arrays.copyOf(bytes, Math.max(length, bytes.length * 2));
        }
    }

    byte[] input(int length) {
        if (input.length < length) {
            input = new byte[Math.max(length, input.length * 2)];
        }
        return input;
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
