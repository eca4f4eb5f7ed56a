package one.derailed.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.http.BadRequests;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.http.RequestDeadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's pipeline, as GatewayChannelInitializer builds it, through a real WebSocket upgrade. */
class GatewayPipelineTest {
    private static final String UPGRADE = "GET /?v=10&encoding=json HTTP/1.1\r\n"
            + "Host: gateway.test\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";

    /** Every idle session pays for what stays in its pipeline: after the 101 nothing of HTTP may. */
    @Test
    void anUpgradedSocketKeepsNoHttpHandlerAndStillSaysHello() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(initializer());
        assertThat(channel.pipeline().get(HttpEndpoints.class)).isNotNull();

        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        channel.runPendingTasks();

        String written = drainOutbound(channel);
        assertThat(written).startsWith("HTTP/1.1 101 Switching Protocols");
        assertThat(written).contains("\"op\":10");
        for (Class<? extends ChannelHandler> http : java.util.List.of(HttpServerCodec.class,
                HttpObjectAggregator.class, RequestDeadline.class, BadRequests.class, HttpEndpoints.class)) {
            assertThat(channel.pipeline().get(http)).as(http.getSimpleName()).isNull();
        }
        assertThat(channel.pipeline().get(GatewayConnection.class)).isNotNull();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aTransportNobodyKnowsIsRefusedByName() {
        assertThatThrownBy(() -> SocketTransport.resolve("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("derailed.websocket.transport")
                .hasMessageContaining("epoll, io_uring and nio");
        assertThat(SocketTransport.resolve("nio")).isEqualTo(SocketTransport.NIO);
    }

    private final ExecutorService botLookups = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopLookups() {
        botLookups.shutdownNow();
    }

    private GatewayChannelInitializer initializer() {
        GatewaySettings.WebSocket settings = GatewaySettings.from(GatewayNode.loadConfig(ConfigFactory.empty()))
                .webSocket();
        GatewayMetrics metrics = new GatewayMetrics();
        BotGatewayEndpoint botGateway = new BotGatewayEndpoint(null, botLookups,
                HttpEndpoints.jsonString(settings.publicUrl()));
        return new GatewayChannelInitializer(null, EdgeLimits.of(settings), settings.publicUrl(), () -> true,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), botGateway, metrics,
                new ConnectionLimit(10, 10, refusal -> { }));
    }

    private static String drainOutbound(EmbeddedChannel channel) {
        StringBuilder written = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            written.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        }
        return written.toString();
    }
}
