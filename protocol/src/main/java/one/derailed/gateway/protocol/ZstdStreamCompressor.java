package one.derailed.gateway.protocol;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;

/**
 * ZstdStreamCompressor is {@code compress=zstd-stream}: one zstd frame for the whole connection, never ended; each
 * message is flushed ({@code ZSTD_e_flush}), so a streaming zstd decoder that has read every earlier message decodes
 * this one completely as soon as it arrives. The frame's window lets later messages refer to earlier ones.
 */
public final class ZstdStreamCompressor implements StreamCompressor {
    /**
     * Level 1 and a 64 KiB window, chosen by measurement (docs/benchmarks.md, "Compression"): a zstd connection then
     * holds about the native memory of a zlib-stream one (~256 KiB), its bytes per event fall between zlib levels 1
     * and 6, and it costs a third to a tenth of zlib's CPU. Higher levels add hash and chain tables (~1 MiB at
     * level 3) for a few percent; larger windows save 3 to 18 % of bytes for 1.6 to 4.5 times the memory.
     */
    public static final int DEFAULT_LEVEL = 1;
    public static final int DEFAULT_WINDOW_LOG = 16;

    private final ZstdCompressCtx context;
    private boolean closed;

    public ZstdStreamCompressor() {
        this(DEFAULT_LEVEL, DEFAULT_WINDOW_LOG);
    }

    /** A compressor at {@code level} with a window of {@code 2^windowLog} bytes (what the decoder must hold too). */
    public ZstdStreamCompressor(int level, int windowLog) {
        ZstdCompressCtx ctx = new ZstdCompressCtx();
        try {
            ctx.setLevel(level);
            ctx.setWindowLog(windowLog);
            ctx.setChecksum(false);
            ctx.setContentSize(false);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        this.context = ctx;
    }

    @Override
    public byte[] compress(ByteBuffer... parts) {
        if (closed) {
            throw new IllegalStateException("compressor closed");
        }
        CompressorOutput out = CompressorOutput.get();
        for (ByteBuffer part : parts) {
            ByteBuffer in = part.duplicate();
            while (in.hasRemaining()) {
                stream(out, in, EndDirective.CONTINUE);
            }
        }
        ByteBuffer none = ByteBuffer.allocate(0);
        while (!stream(out, none, EndDirective.FLUSH)) {
            // more to flush than there was room for: the buffer has grown, go on
        }
        return out.take();
    }

    /** One streaming call into the free space of {@code out}; true when zstd says everything is flushed. */
    private boolean stream(CompressorOutput out, ByteBuffer in, EndDirective directive) {
        out.ensureFree(Math.max(4096, in.remaining() / 2));
        ByteBuffer dst = ByteBuffer.wrap(out.buffer, out.length, out.buffer.length - out.length);
        boolean done = context.compressByteBufferStream(dst, in, directive);
        out.length = dst.position();
        return done;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            context.close();
        }
    }
}
