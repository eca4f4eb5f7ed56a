package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import one.derailed.gateway.bench.wire.Endpoint;
import one.derailed.gateway.bench.wire.LoopbackWebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A socket whose upgrade the server refuses (a 408 to a starved worker, attempt 9 at 200,000) is tried again, as a
 * client library tries a failed connection again, also in the scenarios that do not reconnect lost sessions: no
 * session had begun, so none is lost. Before, the session stayed closed and counted as lost.
 */
class FleetConnectRetryTest {
    private LoopbackWebSocketServer server;
    private final AtomicInteger upgradeRequests = new AtomicInteger();
    private final AtomicInteger identifies = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start(WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).build(), RefuseTheFirstUpgrade::new, HelloThenCountIdentifies::new);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private final class RefuseTheFirstUpgrade extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof FullHttpRequest request && upgradeRequests.incrementAndGet() == 1) {
                request.release();
                DefaultFullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.REQUEST_TIMEOUT);
                timeout.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(message);
        }
    }

    private final class HelloThenCountIdentifies extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
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
    void aRefusedUpgradeIsTriedAgainWithoutReconnectingOn() throws Exception {
        boolean reconnect = false;
        FleetConfig config = new FleetConfig(List.of(Endpoint.of("127.0.0.1", server.port(), "/?v=10&encoding=json", null)),
                1, 1, 1_000, 5, 0, 5, "none", 513, "MESSAGE_CREATE", reconnect, 0, 0, 0, 0);
        try (Fleet fleet = new Fleet(config, List.of(new Account(1000, "token-0", 1)))) {
            fleet.start(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> identifies.get() == 1);
            assertThat(upgradeRequests).hasValue(2);
            FleetSample sample = fleet.sample();
            assertThat(sample.get(Counter.CONNECT_FAILURES)).isEqualTo(1);
            assertThat(sample.get(Counter.RECONNECTS)).isEqualTo(1);
            assertThat(sample.get(Counter.CLOSED_NOW)).as("not lost").isZero();
        }
    }
}
