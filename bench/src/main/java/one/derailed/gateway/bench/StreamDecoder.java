package one.derailed.gateway.bench;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * StreamDecoder undoes one connection's transport compression: every binary WebSocket message goes in, the JSON of
 * whole gateway messages comes out into {@link Scratch#bytes}. One decoder per connection, used from its event loop.
 */
sealed interface StreamDecoder extends AutoCloseable {

    /**
     * Decodes one WebSocket message; returns the number of decompressed bytes now in {@code scratch.bytes}, or -1
     * when the message did not end a gateway message yet (zlib-stream without its {@code 00 00 ff ff} suffix).
     */
    int decode(byte[] message, int offset, int length, Scratch scratch) throws Exception;

    @Override
    void close();

    static StreamDecoder forCompression(String compress) {
        return switch (compress) {
            case "zlib-stream" -> new Zlib();
            case "zstd-stream" -> new Zstd();
            default -> null;
        };
    }

    /** zlib-stream: one inflater for the connection; a gateway message ends with the Z_SYNC_FLUSH marker. */
    final class Zlib implements StreamDecoder {
        private final Inflater inflater = new Inflater();
        private byte[] pending;
        private int pendingLength;

        @Override
        public int decode(byte[] message, int offset, int length, Scratch scratch) throws DataFormatException {
            byte[] input = message;
            int inputOffset = offset;
            int inputLength = length;
            if (pendingLength > 0) {
                pending = ensure(pending, pendingLength + length);
                System.arraycopy(message, offset, pending, pendingLength, length);
                pendingLength += length;
                input = pending;
                inputOffset = 0;
                inputLength = pendingLength;
            }
            if (!endsWithSyncFlush(input, inputOffset + inputLength)) {
                if (input != pending) {
                    pending = ensure(pending, length);
                    System.arraycopy(message, offset, pending, 0, length);
                    pendingLength = length;
                }
                return -1;
            }
            pendingLength = 0;
            inflater.setInput(input, inputOffset, inputLength);
            try {
                return inflateAll(scratch);
            } finally {
                if (pending != null && pending.length > 64 * 1024) {
                    pending = null;
                }
            }
        }

        private int inflateAll(Scratch scratch) throws DataFormatException {
            int out = 0;
            while (true) {
                if (out == scratch.bytes.length) {
                    scratch.ensure(out * 2);
                }
                int n = inflater.inflate(scratch.bytes, out, scratch.bytes.length - out);
                out += n;
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    return out;
                }
                if (inflater.needsDictionary()) {
                    throw new DataFormatException("zlib-stream asked for a preset dictionary");
                }
            }
        }

        private static boolean endsWithSyncFlush(byte[] a, int length) {
            return length >= 4 && a[length - 4] == 0 && a[length - 3] == 0 && a[length - 2] == (byte) 0xFF
                    && a[length - 1] == (byte) 0xFF;
        }

        private static byte[] ensure(byte[] array, int length) {
            if (array == null) {
                return new byte[Math.max(length, 1024)];
            }
            return array.length >= length ? array : Arrays.copyOf(array, Math.max(length, array.length * 2));
        }

        @Override
        public void close() {
            inflater.end();
        }
    }

    /** zstd-stream: one decompression context for the connection; each WebSocket message is one flushed message. */
    final class Zstd implements StreamDecoder {
        private final ZstdDecompressCtx context = new ZstdDecompressCtx();

        @Override
        public int decode(byte[] message, int offset, int length, Scratch scratch) {
            ByteBuffer src = scratch.directIn(length);
            src.put(message, offset, length);
            src.flip();
            ByteBuffer dst = scratch.directOut;
            dst.clear();
            while (true) {
                context.decompressDirectByteBufferStream(dst, src);
                if (!dst.hasRemaining()) {
                    dst = scratch.growDirectOut();
                    continue;
                }
                if (!src.hasRemaining()) {
                    break;
                }
            }
            dst.flip();
            int out = dst.remaining();
            scratch.ensure(out);
            dst.get(scratch.bytes, 0, out);
            return out;
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
