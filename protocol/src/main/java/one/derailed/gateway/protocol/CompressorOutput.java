package one.derailed.gateway.protocol;

import java.util.Arrays;

/**
 * CompressorOutput is the working buffer compressors write into before the result is copied out at its exact size.
 * There is one per thread (connections on an event loop take turns), so an idle connection holds none; a buffer grown
 * past {@link #KEEP_BYTES} by a huge message is not kept.
 */
final class CompressorOutput {
    private static final int INITIAL_BYTES = 16 * 1024;
    private static final int KEEP_BYTES = 1024 * 1024;
    private static final ThreadLocal<CompressorOutput> PER_THREAD = ThreadLocal.withInitial(CompressorOutput::new);

    byte[] buffer = new byte[INITIAL_BYTES];
    int length;

    private CompressorOutput() {}

    /** This thread's buffer, emptied. */
    static CompressorOutput get() {
        CompressorOutput output = PER_THREAD.get();
        output.length = 0;
        return output;
    }

    /** Free bytes after {@link #length}, growing the buffer when there are fewer than {@code atLeast}. */
    int ensureFree(int atLeast) {
        if (buffer.length - length < atLeast) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + atLeast));
        }
        return buffer.length - length;
    }

    /** The bytes written so far, as a new array; drops an oversized buffer. */
    byte[] take() {
        byte[] result = Arrays.copyOf(buffer, length);
        if (buffer.length > KEEP_BYTES) {
            buffer = new byte[INITIAL_BYTES];
        }
        length = 0;
        return result;
    }
}
