package one.derailed.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UpperChars;
import org.junit.jupiter.api.Test;

class ServerFramesTest {

    @Property
    void dispatchIsValidJsonWithItsSequenceEventAndSharedData(
            @ForAll @LongRange(min = 1) long seq, @ForAll @UpperChars @StringLength(min = 1, max = 40) String event)
            throws Exception {
        byte[] data = "{\"content\":\"h\\u00e9llo \\\"q\\\"\",\"n\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        EncodedFrame frame = ServerFrames.dispatch(seq, event, data);
        JsonNode json = Json.MAPPER.readTree(frame.toBytes());
        assertThat(json.get("op").intValue()).isZero();
        assertThat(json.get("s").longValue()).isEqualTo(seq);
        assertThat(json.get("t").textValue()).isEqualTo(event);
        assertThat(json.get("d")).isEqualTo(Json.MAPPER.readTree(data));
        assertThat(frame.body()).isSameAs(data);
    }

    @Property
    void dispatchWritesAnySequenceNumberExactly(@ForAll long seq) throws Exception {
        for (long s : new long[] {seq, 0, 9, 10, 99, 100, 999_999_999_999_999_999L, Long.MAX_VALUE, -1}) {
            EncodedFrame frame = ServerFrames.dispatch(s, "READY", "{}".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(frame.toBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("{\"op\":0,\"s\":" + s + ",\"t\":\"READY\",\"d\":{}}");
        }
    }

    @Test
    void constantFramesAreTheDiscordShapes() throws Exception {
        assertThat(Json.MAPPER.readTree(ServerFrames.hello(41250).toBytes()).at("/d/heartbeat_interval").intValue())
                .isEqualTo(41250);
        assertThat(Json.MAPPER.readTree(ServerFrames.HEARTBEAT_ACK.toBytes()).get("op").intValue()).isEqualTo(11);
        assertThat(Json.MAPPER.readTree(ServerFrames.invalidSession(false).toBytes()).get("d").booleanValue())
                .isFalse();
    }

    @Test
    void connectRequestChecksVersionEncodingAndCompression() throws Exception {
        assertThat(ConnectRequest.parse("/?v=10&encoding=json").compression()).isEqualTo(Compression.NONE);
        assertThat(ConnectRequest.parse("/").version()).isEqualTo(10);
        assertThat(ConnectRequest.parse("/?v=10&encoding=json&compress=zlib-stream").compression())
                .isEqualTo(Compression.ZLIB_STREAM);
        assertThat(refusal("/?v=9&encoding=json").closeCode()).isEqualTo(CloseCode.INVALID_API_VERSION);
        PayloadException etf = refusal("/?v=10&encoding=etf");
        assertThat(etf.closeCode()).isEqualTo(CloseCode.INVALID_API_VERSION);
        assertThat(etf.getMessage()).contains("only encoding=json");
        assertThat(refusal("/?v=10&compress=brotli").getMessage()).contains("brotli");
        assertThat(refusal("/?v=10&compress=brotli").closeCode()).isEqualTo(CloseCode.INVALID_API_VERSION);
    }

    private static PayloadException refusal(String uri) {
        try {
            ConnectRequest.parse(uri);
        } catch (PayloadException e) {
            return e;
        }
        throw new AssertionError("accepted " + uri);
    }
}
