package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import one.derailed.gateway.bench.wire.Endpoint;
import one.derailed.gateway.bench.wire.LoopbackWebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet against a server that says HELLO and never answers IDENTIFY: the sessions waiting for their turn to identify
 * count against the connects in flight, so the fleet does not open sockets that would sit past the gateway's identify
 * timeout (at 28,572 sessions, 12,768 were closed 4003 that way while READY came at 540/s).
 */
class FleetPacingTest {
    private static final int MAX_PENDING_CONNECTS = 5;
    private static final int MAX_PENDING_IDENTIFIES = 3;

    private LoopbackWebSocketServer server;
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger identifies = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start(WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).build(), HelloThenSilence::new);
    }

    @AfterEach
    void stop() {
        open.close().syncUninterruptibly();
        server.close();
    }

    private final class HelloThenSilence extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                open.add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("{\"op\":10,\"d\":{\"heartbeat_interval\":41250}}"));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            if (frame.text().startsWith("{\"op\":2")) {
                identifies.incrementAndGet();
            }
        }
    }

    @Test
    void socketsWaitingToIdentifyCountAgainstTheConnectsInFlight() throws Exception {
        FleetConfig config = new FleetConfig(List.of(Endpoint.of("127.0.0.1", server.port(), "/?v=10&encoding=json", null)),
                1, 1, 1_000, MAX_PENDING_CONNECTS, 0, MAX_PENDING_IDENTIFIES, "none", 513, "MESSAGE_CREATE",
                false, 0, 0, 0, 0);
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            accounts.add(new Account(1000 + i, "token-" + i, 1));
        }
        try (Fleet fleet = new Fleet(config, accounts)) {
            fleet.start(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> identifies.get() == MAX_PENDING_IDENTIFIES);
            // At 1,000 connects/s all 60 would be open within a tenth of this, were the waiting ones not counted.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> open.size() <= MAX_PENDING_IDENTIFIES + MAX_PENDING_CONNECTS);
            assertThat(identifies).hasValue(MAX_PENDING_IDENTIFIES);
        }
    }

    /**
     * With a READY target the identify window starts at 1 (IdentifyWindow) and a socket is opened only when the window
     * can take its IDENTIFY: sockets opened for a wider window would wait at HELLO for a turn that a narrowed window
     * gives them too late (attempt 5 at 200,000: 125 of the first 5,000 closed 4003).
     */
    @Test
    void aFleetOpensNoMoreSocketsThanItsIdentifyWindowCanTake() throws Exception {
        FleetConfig config = new FleetConfig(List.of(Endpoint.of("127.0.0.1", server.port(), "/?v=10&encoding=json", null)),
                1, 1, 1_000, 50, 0, 1_000, "none", 513, "MESSAGE_CREATE", false, 0, 0, 0, 2_500);
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            accounts.add(new Account(1000 + i, "token-" + i, 1));
        }
        try (Fleet fleet = new Fleet(config, accounts)) {
            fleet.start(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> identifies.get() == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> open.size() <= 1);
            assertThat(identifies).hasValue(1);
        }
    }
}
