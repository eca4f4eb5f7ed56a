package one.derailed.gateway.protocol;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * ZlibStreamCompressor is {@code compress=zlib-stream}: one zlib stream (RFC 1950 header, then deflate) for the whole
 * connection, each message flushed with {@link Deflater#SYNC_FLUSH} so that its bytes end in {@code 00 00 ff ff} and
 * an inflater that has read every earlier message can inflate it at once. Later messages reuse the history of
 * earlier ones, which is most of the gain on small events.
 */
public final class ZlibStreamCompressor implements StreamCompressor {
    /**
     * zlib's default level, 6. Level 1 halves the CPU for about 20 % more bytes (docs/benchmarks.md); clients that
     * pick zlib-stream over zstd-stream are those that cannot decode zstd and usually care most about bytes.
     */
    public static final int DEFAULT_LEVEL = Deflater.DEFAULT_COMPRESSION;

    private final Deflater deflater;
    private boolean closed;

    public ZlibStreamCompressor() {
        this(DEFAULT_LEVEL);
    }

    public ZlibStreamCompressor(int level) {
        this.deflater = new Deflater(level);
    }

    @Override
    public byte[] compress(ByteBuffer... parts) {
        if (closed) {
            throw new IllegalStateException("compressor closed");
        }
        CompressorOutput out = CompressorOutput.get();
        for (ByteBuffer part : parts) {
            deflater.setInput(part.duplicate());
            while (!deflater.needsInput()) {
                deflate(out, Deflater.NO_FLUSH);
            }
        }
        // A sync flush may need more room than is free: call again until it leaves room unused (zlib's contract).
        while (deflate(out, Deflater.SYNC_FLUSH) == 0) {
            // the output was filled; it has grown, go on flushing
        }
        deflater.setInput(EMPTY);
        return out.take();
    }

    private static final byte[] EMPTY = new byte[0];

    /** Deflates into the free space; returns the free space left over (0 when it was all used). */
    private int deflate(CompressorOutput out, int flush) {
        int free = out.ensureFree(4096);
        int written = deflater.deflate(out.buffer, out.length, free, flush);
        out.length += written;
        return free - written;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
        }
    }
}
