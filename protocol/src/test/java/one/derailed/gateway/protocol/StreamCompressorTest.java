package one.derailed.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

class StreamCompressorTest {
    private static final byte[] SYNC_FLUSH_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    /** 600 messages: two GUILD_CREATEs of 1,000 members (~380 KB each) among small events, and HELLO and an ACK. */
    private static List<byte[]> traffic() {
        SampleEvents events = new SampleEvents(42, 1000);
        List<byte[]> messages = new ArrayList<>(events.session(300));
        messages.add(events.guildCreate());
        messages.addAll(events.session(296).subList(1, 297));
        messages.add(ServerFrames.HEARTBEAT_ACK.toBytes());
        messages.add(ServerFrames.hello(41250).toBytes());
        return messages;
    }

    @Test
    void zlibStreamMessagesEndInSyncFlushAndInflateOneByOneWithOneInflater() {
        List<byte[]> messages = traffic();
        assertThat(messages.size()).isEqualTo(600);
        assertThat(messages.get(0).length).isGreaterThan(200_000);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (StreamCompressor compressor = new ZlibStreamCompressor();
             StreamDecoders.ZlibStream client = new StreamDecoders.ZlibStream()) {
            for (byte[] message : messages) {
                byte[] compressed = compressor.compress(message);
                assertThat(Arrays.copyOfRange(compressed, compressed.length - 4, compressed.length))
                        .isEqualTo(SYNC_FLUSH_TAIL);
                assertThat(client.next(compressed)).isEqualTo(message);
                wire.writeBytes(compressed);
            }
        }
        // A plain InflaterInputStream over the whole connection reads the same text.
        assertThat(readAll(new InflaterInputStream(new ByteArrayInputStream(wire.toByteArray())), messages))
                .isEqualTo(concat(messages));
    }

    @Test
    void zstdStreamMessagesDecodeOneByOneWithOneStreamingDecoder() {
        List<byte[]> messages = traffic();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (StreamCompressor compressor = new ZstdStreamCompressor();
             StreamDecoders.ZstdStream client = new StreamDecoders.ZstdStream()) {
            for (byte[] message : messages) {
                byte[] compressed = compressor.compress(message);
                assertThat(client.next(compressed)).isEqualTo(message);
                wire.writeBytes(compressed);
            }
        }
        // zstd-jni's ZstdInputStream, a standard streaming decoder, reads the same text from the unended frame.
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(wire.toByteArray())).setContinuous(true)) {
            assertThat(readAll(in, messages)).isEqualTo(concat(messages));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void zstdAtEveryMeasuredSettingStaysAStandardStream() {
        List<byte[]> messages = traffic().subList(0, 120);
        for (int level : new int[] {1, 3, 6}) {
            for (int windowLog : new int[] {16, 18, 20}) {
                try (StreamCompressor compressor = new ZstdStreamCompressor(level, windowLog);
                     StreamDecoders.ZstdStream client = new StreamDecoders.ZstdStream()) {
                    for (byte[] message : messages) {
                        assertThat(client.next(compressor.compress(message))).isEqualTo(message);
                    }
                }
            }
        }
    }

    @Test
    void aFrameInThreePartsCompressesAsItsWholeText() {
        SampleEvents events = new SampleEvents(7, 50);
        try (StreamCompressor zlib = new ZlibStreamCompressor();
             StreamCompressor zstd = new ZstdStreamCompressor();
             StreamDecoders.ZlibStream zlibClient = new StreamDecoders.ZlibStream();
             StreamDecoders.ZstdStream zstdClient = new StreamDecoders.ZstdStream()) {
            for (int seq = 1; seq <= 200; seq++) {
                byte[] data = ("{\"content\":\"message " + seq + "\",\"n\":" + seq + "}")
                        .getBytes(StandardCharsets.UTF_8);
                EncodedFrame frame = seq % 50 == 0 ? EncodedFrame.whole(events.guildCreate())
                        : ServerFrames.dispatch(seq, "MESSAGE_CREATE", data);
                ByteBuffer[] parts = {ByteBuffer.wrap(frame.head()), ByteBuffer.wrap(frame.body()),
                        ByteBuffer.wrap(frame.tail())};
                assertThat(zlibClient.next(zlib.compress(parts))).isEqualTo(frame.toBytes());
                assertThat(zstdClient.next(zstd.compress(parts))).isEqualTo(frame.toBytes());
                assertThat(parts[1].position()).isZero();
            }
        }
    }

    @Test
    void payloadCompressionMakesOneWholeZlibStreamPerMessage() {
        List<byte[]> messages = traffic().subList(0, 200);
        try (StreamCompressor compressor = new ZlibPayloadCompressor()) {
            for (byte[] message : messages) {
                byte[] compressed = compressor.compress(message);
                assertThat(compressed[0]).isEqualTo((byte) 0x78);
                assertThat(StreamDecoders.inflateWhole(compressed)).isEqualTo(message);
            }
        }
    }

    @Test
    void laterSmallEventsCostLessThanTheirTextThanksToTheSharedHistory() {
        SampleEvents events = new SampleEvents(3, 1000);
        List<byte[]> session = events.session(200);
        for (StreamCompressor compressor : List.of(new ZlibStreamCompressor(), new ZstdStreamCompressor())) {
            try (compressor) {
                long in = 0;
                long out = 0;
                for (int i = 0; i < session.size(); i++) {
                    byte[] compressed = compressor.compress(session.get(i));
                    if (i > 0) {
                        in += session.get(i).length;
                        out += compressed.length;
                    }
                }
                assertThat(out).as(compressor.getClass().getSimpleName()).isLessThan(in / 2);
            }
        }
    }

    @Test
    void closedCompressorsRefuseWorkAndCloseTwiceQuietly() {
        for (StreamCompressor compressor : List.of(StreamCompressor.forTransport(Compression.ZLIB_STREAM),
                StreamCompressor.forTransport(Compression.ZSTD_STREAM), new ZlibPayloadCompressor())) {
            compressor.compress(new byte[] {'{', '}'});
            compressor.close();
            compressor.close();
            assertThatThrownBy(() -> compressor.compress(new byte[] {'{', '}'}))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> StreamCompressor.forTransport(Compression.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] concat(List<byte[]> messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        messages.forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static byte[] readAll(InputStream in, List<byte[]> messages) {
        int total = messages.stream().mapToInt(m -> m.length).sum();
        try {
            return in.readNBytes(total);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
