package one.derailed.gateway.protocol;

import java.nio.ByteBuffer;

/**
 * StreamCompressor compresses the messages of one connection, in order, each into the bytes of one WebSocket message.
 * One instance belongs to one connection and is used by one thread at a time (the connection's event loop); it holds
 * native memory until {@link #close()}.
 *
 * <ul>
 *   <li>{@link ZlibStreamCompressor}: {@code compress=zlib-stream}, one deflate stream for the whole connection, each
 *       message ending in a sync flush ({@code 00 00 ff ff}).</li>
 *   <li>{@link ZstdStreamCompressor}: {@code compress=zstd-stream}, one zstd frame for the whole connection, each
 *       message flushed so that it decodes as soon as it arrives.</li>
 *   <li>{@link ZlibPayloadCompressor}: IDENTIFY {@code compress: true}, each message a whole zlib stream of its
 *       own.</li>
 * </ul>
 */
public interface StreamCompressor extends AutoCloseable {

    /**
     * Compresses the next message, given as the concatenation of {@code parts} (each read from its position to its
     * limit; positions are left where they were), and returns the bytes to send for it.
     */
    byte[] compress(ByteBuffer... parts);

    /** Compresses the next message, {@code message}. */
    default byte[] compress(byte[] message) {
        return compress(ByteBuffer.wrap(message));
    }

    /** Frees the native context; later calls to {@link #compress} fail. Calling it again does nothing. */
    @Override
    void close();

    /** A new compressor for a connection that asked for {@code compression} in its connect URL. */
    static StreamCompressor forTransport(Compression compression) {
        return switch (compression) {
            case ZLIB_STREAM -> new ZlibStreamCompressor();
            case ZSTD_STREAM -> new ZstdStreamCompressor();
            case NONE -> throw new IllegalArgumentException("no compressor for an uncompressed connection");
        };
    }
}
