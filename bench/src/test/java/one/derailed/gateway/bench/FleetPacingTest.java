package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.derailed.gateway.bench.wire.Endpoint;
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

    private EventLoopGroup group;
    private Channel server;
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger identifies = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler("/", null, false, 65536, false, true),
                                new HelloThenSilence());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stop() {
        open.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        FleetConfig config = new FleetConfig(List.of(Endpoint.of("127.0.0.1", port, "/?v=10&encoding=json", null)),
                1, 1, 1_000, MAX_PENDING_CONNECTS, 0, MAX_PENDING_IDENTIFIES, "none", 513, "MESSAGE_CREATE",
                false, 0, 0, 0);
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
}
