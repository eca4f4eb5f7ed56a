package one.derailed.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import org.junit.jupiter.api.Test;

class OutboundByteCounterTest {
    @Test
    void bytesCountAsUncompressedUntilTheSocketNegotiatesACompression() {
        GatewayMetrics metrics = new GatewayMetrics();
        EmbeddedChannel channel = new EmbeddedChannel(new OutboundByteCounter(metrics));

        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
        OutboundByteCounter.countInto(channel, metrics.bytesOut("zstd_stream"));
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[7]));
        channel.writeOutbound("not bytes");

        assertThat(metrics.bytesOut("none").count()).isEqualTo(100.0);
        assertThat(metrics.bytesOut("zstd_stream").count()).isEqualTo(7.0);
        channel.finishAndReleaseAll();
    }
}
