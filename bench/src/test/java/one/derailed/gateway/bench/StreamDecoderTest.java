package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class StreamDecoderTest {
    private static final String[] MESSAGES = {
        "{\"op\":10,\"d\":{\"heartbeat_interval\":41250},\"s\":null,\"t\":null}",
        "{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"v\":10}}",
        "{\"op\":0,\"s\":2,\"t\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"" + "hello ".repeat(20000) + "\"}}",
        "{\"op\":11,\"d\":null,\"s\":null,\"t\":null}",
    };

    @Test
    void zlibStreamDecodesEachSyncFlushedMessage() throws Exception {
        Deflater deflater = new Deflater();
        Scratch scratch = new Scratch();
        try (StreamDecoder decoder = StreamDecoder.forCompression("zlib-stream")) {
            for (String message : MESSAGES) {
                deflater.setInput(message.getBytes(StandardCharsets.UTF_8));
                byte[] out = new byte[1 << 20];
                int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
                int length = decoder.decode(out, 0, n, scratch);
                assertThat(new String(scratch.bytes, 0, length, StandardCharsets.UTF_8)).isEqualTo(message);
            }
        }
        deflater.end();
    }

    @Test
    void zlibStreamWaitsForTheSuffixAcrossWebSocketMessages() throws Exception {
        Deflater deflater = new Deflater();
        deflater.setInput(MESSAGES[1].getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[4096];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        Scratch scratch = new Scratch();
        try (StreamDecoder decoder = StreamDecoder.forCompression("zlib-stream")) {
            assertThat(decoder.decode(out, 0, 5, scratch)).isEqualTo(-1);
            int length = decoder.decode(out, 5, n - 5, scratch);
            assertThat(new String(scratch.bytes, 0, length, StandardCharsets.UTF_8)).isEqualTo(MESSAGES[1]);
        }
        deflater.end();
    }

    @Test
    void zstdStreamDecodesEachFlushedMessageOfOneFrame() throws Exception {
        Scratch scratch = new Scratch();
        try (ZstdCompressCtx compressor = new ZstdCompressCtx();
             StreamDecoder decoder = StreamDecoder.forCompression("zstd-stream")) {
            for (String message : MESSAGES) {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                ByteBuffer src = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                ByteBuffer dst = ByteBuffer.allocateDirect(1 << 20);
                while (!compressor.compressDirectByteBufferStream(dst, src, EndDirective.FLUSH)) {
                    // a flush that did not fit goes on
                }
                dst.flip();
                byte[] wire = new byte[dst.remaining()];
                dst.get(wire);
                int length = decoder.decode(wire, 0, wire.length, scratch);
                assertThat(new String(scratch.bytes, 0, length, StandardCharsets.UTF_8)).isEqualTo(message);
            }
        }
    }

    @Test
    void frameScanReadsTheEnvelopeAndTheNonce() {
        byte[] frame = ("{\"op\":0,\"s\":42,\"t\":\"MESSAGE_CREATE\",\"d\":{\"id\":\"1\",\"nonce\":\"987654321\"}}")
                .getBytes(StandardCharsets.US_ASCII);
        int n = frame.length;
        assertThat(FrameScan.decimal(frame, FrameScan.after(frame, 0, n, FrameScan.OP), n)).isZero();
        assertThat(FrameScan.decimal(frame, FrameScan.after(frame, 0, n, FrameScan.SEQ), n)).isEqualTo(42);
        int name = FrameScan.after(frame, 0, n, FrameScan.EVENT);
        assertThat(FrameScan.nameAt(frame, name, n, FrameScan.ascii("MESSAGE_CREATE"))).isTrue();
        assertThat(FrameScan.nameAt(frame, name, n, FrameScan.ascii("MESSAGE"))).isFalse();
        assertThat(FrameScan.decimal(frame, FrameScan.after(frame, name, n, FrameScan.NONCE), n)).isEqualTo(987654321);
    }

    @Test
    void prometheusTextIsSummedPerFamily() {
        var samples = ServerProbe.parse("""
                # HELP derailed_sessions sessions
                derailed_sessions{state="ready"} 10
                derailed_sessions{state="resumable"} 2
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5
                """);
        assertThat(ServerProbe.summary(samples, 5)).isEqualTo("heap 1.0 MiB, derailed_sessions 12");
    }
}
