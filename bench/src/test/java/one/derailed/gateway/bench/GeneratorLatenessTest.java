package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.derailed.gateway.bench.wire.Endpoint;
import one.derailed.gateway.bench.wire.LoopbackWebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A generator that cannot keep up with its own sockets says so: a HELLO read, or a heartbeat sent, 5 s or more after
 * it was due is counted apart. In the storm at 200,000 (3 December 2026) 2,283 sockets of one edge node were closed
 * for a heartbeat missing 61,875 ms after HELLO while the server's own timers ran on time, and nothing told whose
 * starvation it was. Here the loop is stalled the way a starved CPU stalls it: it is kept busy past the mark.
 */
class GeneratorLatenessTest {
    private static final long STALL_MILLIS = BenchSession.LATE_NANOS / 1_000_000 + 300;
    private LoopbackWebSocketServer server;
    private final AtomicReference<ChannelHandlerContext> socket = new AtomicReference<>();
    private final CountDownLatch heartbeat = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start(WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).build(), HelloWhenAsked::new);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Holds HELLO until the test sends it; counts heartbeats. */
    private final class HelloWhenAsked extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                socket.set(ctx);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            if (frame.text().startsWith("{\"op\":1,")) {
                heartbeat.countDown();
            }
        }
    }

    @Test
    void aHelloAndAHeartbeatTheLoopHandledLateAreCounted() throws Exception {
        FleetConfig config = new FleetConfig(List.of(Endpoint.of("127.0.0.1", server.port(), "/?v=10&encoding=json", null)),
                1, 1, 1_000, 5, 0, 5, "none", 513, "MESSAGE_CREATE", false, 0, 0, 0, 0);
        try (Fleet fleet = new Fleet(config, List.of(new Account(1000, "token-0", 1)))) {
            fleet.start(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.get() != null);

            // HELLO reaches the socket while the loop is stalled: read late.
            stallLoops(fleet);
            socket.get().writeAndFlush(new TextWebSocketFrame("{\"op\":10,\"d\":{\"heartbeat_interval\":100}}"));
            assertThat(heartbeat.await(30, TimeUnit.SECONDS)).as("a first heartbeat").isTrue();
            assertThat(fleet.sample().get(Counter.LATE_HELLOS)).isEqualTo(1);
            assertThat(fleet.sample().get(Counter.LATE_HEARTBEATS)).as("the first one was on time").isZero();

            // The next heartbeat falls due (100 ms) while the loop is stalled again: sent late.
            stallLoops(fleet);
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.sample().get(Counter.LATE_HEARTBEATS) >= 1);
            assertThat(fleet.sample().get(Counter.LATE_HELLOS)).isEqualTo(1);
        }
    }

    /**
     * Keeps the loop's thread from running past the mark, as a starved CPU does, and returns once it is stalled. (The
     * sleep is the stall itself, not a wait for something to happen.)
     */
    private static void stallLoops(Fleet fleet) throws InterruptedException {
        CountDownLatch stalled = new CountDownLatch(1);
        fleet.runOnLoops(() -> {
            stalled.countDown();
            try {
                Thread.sleep(STALL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
