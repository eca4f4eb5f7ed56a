package one.derailed.gateway.protocol;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** StreamDecoders are what a client runs on a compressed connection: one inflater or one zstd decoder for it all. */
final class StreamDecoders {
    private StreamDecoders() {}

    /** One zlib-stream connection's inflater: each call takes one WebSocket message and returns its whole text. */
    static final class ZlibStream implements AutoCloseable {
        private final Inflater inflater = new Inflater();
        private final byte[] chunk = new byte[64 * 1024];

        byte[] next(byte[] message) {
            inflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                while (true) {
                    int n = inflater.inflate(chunk);
                    out.write(chunk, 0, n);
                    if (n < chunk.length && inflater.needsInput()) {
                        return out.toByteArray();
                    }
                    if (n == 0 && (inflater.finished() || inflater.needsDictionary())) {
                        throw new AssertionError("the zlib stream ended or wants a dictionary");
                    }
                }
            } catch (DataFormatException e) {
                throw new AssertionError("not a valid continuation of the zlib stream", e);
            }
        }

        @Override
        public void close() {
            inflater.end();
        }
    }

    /** One zstd-stream connection's streaming decoder: each call takes one WebSocket message and returns its text. */
    static final class ZstdStream implements AutoCloseable {
        private final ZstdDecompressCtx context = new ZstdDecompressCtx();

        byte[] next(byte[] message) {
            ByteBuffer src = ByteBuffer.wrap(message);
            ByteBuffer dst = ByteBuffer.allocate(Math.max(1024, message.length * 4));
            while (true) {
                if (!dst.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(dst.capacity() * 2);
                    dst.flip();
                    bigger.put(dst);
                    dst = bigger;
                }
                context.decompressByteBufferStream(dst, src);
                // zstd's contract: all input read and room left over means everything decodable has been written.
                if (!src.hasRemaining() && dst.hasRemaining()) {
                    byte[] text = new byte[dst.position()];
                    dst.flip().get(text);
                    return text;
                }
            }
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /** IDENTIFY compress:true: each binary message is a zlib stream of its own. */
    static byte[] inflateWhole(byte[] message) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && inflater.needsInput()) {
                    throw new AssertionError("the zlib stream is truncated");
                }
                out.write(chunk, 0, n);
            }
            if (inflater.getRemaining() != 0) {
                throw new AssertionError(inflater.getRemaining() + " bytes after the end of the zlib stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("not a zlib stream", e);
        } finally {
            inflater.end();
        }
    }
}
