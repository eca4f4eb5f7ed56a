package one.derailed.gateway.protocol;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * ZlibPayloadCompressor is IDENTIFY {@code compress: true}: each message it compresses is a whole zlib stream
 * (RFC 1950) of its own, inflated by a fresh inflater. Only messages of at least {@link #MIN_BYTES} are worth it; the
 * edge sends smaller ones as plain text frames. One deflater is kept and reset between messages.
 */
public final class ZlibPayloadCompressor implements StreamCompressor {
    /** Messages shorter than this go out uncompressed (as text frames). */
    public static final int MIN_BYTES = 1024;

    private final Deflater deflater = new Deflater(ZlibStreamCompressor.DEFAULT_LEVEL);
    private boolean closed;

    @Override
    public byte[] compress(ByteBuffer... parts) {
        if (closed) {
            throw new IllegalStateException("compressor closed");
        }
        CompressorOutput out = CompressorOutput.get();
        try {
            for (ByteBuffer part : parts) {
                deflater.setInput(part.duplicate());
                while (!deflater.needsInput()) {
                    deflate(out);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                deflate(out);
            }
            return out.take();
        } finally {
            deflater.reset();
        }
    }

    private void deflate(CompressorOutput out) {
        int free = out.ensureFree(4096);
        out.length += deflater.deflate(out.buffer, out.length, free, Deflater.NO_FLUSH);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
        }
    }
}
