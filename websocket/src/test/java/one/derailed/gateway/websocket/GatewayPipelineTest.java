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
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.http.BadRequests;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.http.RequestDeadline;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
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

    /**
     * Once a session holds the socket, the unidentified-connection count and the identify deadline have nothing left
     * to do: neither may stay with the socket for its life (~0.15 KiB a session between them).
     */
    @Test
    void anIdentifiedSocketKeepsNeitherItsUnidentifiedCountNorItsIdentifyDeadline() {
        ConnectionLimit unidentified = new ConnectionLimit(10, 10, refusal -> { });
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(initializer(unidentified));
        channel.pipeline().fireChannelActive();
        channel.writeInbound(Unpooled.copiedBuffer(UPGRADE, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        drainOutbound(channel);
        assertThat(unidentified.counted()).isEqualTo(1);
        assertThat(pendingTasks(channel)).as("heartbeat check and identify deadline").isEqualTo(2);

        ActorTestKit testKit = ActorTestKit.create();
        try {
            TestProbe<SessionProtocol.Command> session = testKit.createTestProbe();
            channel.attr(ChannelConnection.KEY).get().attach(session.ref());
            channel.runPendingTasks();

            assertThat(unidentified.counted()).isZero();
            assertThat(channel.pipeline().get(ConnectionLimit.class)).isNull();
            assertThat(pendingTasks(channel)).as("the heartbeat check alone").isEqualTo(1);
            GatewayConnection handler = channel.pipeline().get(GatewayConnection.class);
            assertThat(handler).extracting("identifyDeadline").isNull();
            assertThat(handler).extracting("early").isNull();
        } finally {
            testKit.shutdownTestKit();
        }
        channel.finishAndReleaseAll();
    }

    /** The channel's scheduled tasks still waiting to run (cancelled ones included until they are taken out). */
    private static int pendingTasks(EmbeddedChannel channel) {
        int pending = 0;
        io.netty.channel.EventLoop loop = channel.eventLoop();
        try {
            java.lang.reflect.Field queue = io.netty.util.concurrent.AbstractScheduledEventExecutor.class
                    .getDeclaredField("scheduledTaskQueue");
            queue.setAccessible(true);
            java.util.Collection<?> tasks = (java.util.Collection<?>) queue.get(loop);
            if (tasks != null) {
                for (Object task : tasks) {
                    if (!((java.util.concurrent.Future<?>) task).isCancelled()) {
                        pending++;
                    }
                }
            }
        } catch (ReflectiveOperationException unexpected) {
            throw new AssertionError(unexpected);
        }
        return pending;
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
        return initializer(new ConnectionLimit(10, 10, refusal -> { }));
    }

    private GatewayChannelInitializer initializer(ConnectionLimit unidentified) {
        GatewaySettings.WebSocket settings = GatewaySettings.from(GatewayNode.loadConfig(ConfigFactory.empty()))
                .webSocket();
        GatewayMetrics metrics = new GatewayMetrics();
        BotGatewayEndpoint botGateway = new BotGatewayEndpoint(null, botLookups,
                HttpEndpoints.jsonString(settings.publicUrl()));
        return new GatewayChannelInitializer(null, EdgeLimits.of(settings), settings.publicUrl(), () -> true,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), botGateway, metrics, unidentified);
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
