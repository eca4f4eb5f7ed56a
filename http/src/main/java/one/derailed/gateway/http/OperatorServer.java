package one.derailed.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OperatorServer is the operator listener: a small HTTP/1.1 server on a port of its own (loopback by default), apart
 * from the clients' port, on one event loop thread of its own, so a scrape never waits behind client traffic and
 * clients never see operator endpoints. What it serves is a {@link Router}; a request without the configured bearer
 * token is answered 401, except for the static files the router serves without one. The edge's HTTP limits hold here
 * too: {@link HttpLimits}, {@link RequestDeadline}, {@link BadRequests}, {@link ConnectionLimit}
 * ({@value #MAX_CONNECTIONS} connections, {@value #MAX_PIPELINED} pipelined requests each).
 */
public final class OperatorServer implements AutoCloseable {
    /** Connections at once; operators and scrapers need a handful. */
    public static final int MAX_CONNECTIONS = 256;
    /** Requests one connection may have waiting for their answers. */
    public static final int MAX_PIPELINED = 16;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(OperatorServer.class);

    private final EventLoopGroup group;
    private final Channel listener;

    private OperatorServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /**
     * Starts serving {@code router} as {@code settings} say.
     *
     * @throws IllegalArgumentException when it would listen beyond loopback without a token
     */
    public static OperatorServer start(OperatorSettings settings, Router router) throws InterruptedException {
        settings.checkExposure();
        BearerToken token = settings.requiresToken() ? new BearerToken(settings.token()) : null;
        ConnectionLimit connections = new ConnectionLimit(MAX_CONNECTIONS, MAX_CONNECTIONS, refusal -> { });
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(connections)
                                    .addLast(HttpLimits.codec())
                                    .addLast(HttpLimits.aggregator())
                                    .addLast(new RequestDeadline(REQUEST_TIMEOUT, KEEP_ALIVE_TIMEOUT, late -> { }))
                                    .addLast(BadRequests.INSTANCE)
                                    .addLast(new Routing(router, token));
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
            OperatorServer server = new OperatorServer(group, listener);
            LOG.info("operator listener on {}:{} ({}), serving {}", settings.host(), server.port(),
                    token != null ? "bearer token required" : "no token", router.paths());
            return server;
        } catch (Throwable e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port bound (the configured one, or the one chosen for port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection's requests: the token first, then the router, answered in request order. */
    private static final class Routing extends OrderedResponder {
        private final Router router;
        private final BearerToken token;

        Routing(Router router, BearerToken token) {
            super(MAX_PIPELINED);
            this.router = router;
            this.token = token;
        }

        @Override
        protected CompletionStage<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (token != null && !router.isOpen(request.method(), uri.path())
                    && !token.accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                FullHttpResponse refused = Responses.error(HttpResponseStatus.UNAUTHORIZED);
                refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                return CompletableFuture.completedFuture(refused);
            }
            return router.route(new Request(request.method(), uri.path(), uri.parameters(),
                    request.headers().copy(), ByteBufUtil.getBytes(request.content())));
        }
    }
}
