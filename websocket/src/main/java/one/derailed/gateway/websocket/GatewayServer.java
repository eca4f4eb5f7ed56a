package one.derailed.gateway.websocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.session.SessionLauncher;

/** GatewayServer is the WebSocket edge of a node: one listening socket, native epoll where the system has it. */
public final class GatewayServer implements AutoCloseable {
    /** How long a shutdown waits for clients to take their op 7 and go. */
    private static final long DRAIN_MILLIS = 5_000;

    /** Threads that check tokens for {@code GET /api/v10/gateway/bot} against the (blocking) store. */
    private static final int HTTP_STORE_THREADS = 2;
    /** Token checks waiting for a thread; beyond, the endpoint answers 503. */
    private static final int HTTP_STORE_QUEUE = 256;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final ChannelGroup sockets;
    private final ExecutorService httpStore;

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, ChannelGroup sockets,
                          ExecutorService httpStore) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.sockets = sockets;
        this.httpStore = httpStore;
    }

    /** Starts an edge whose {@code /api/v10/gateway/bot} refuses every token (no store to check them). */

    /** Starts an edge; {@code accounts} checks the tokens of {@code GET /api/v10/gateway/bot}. */
    public static GatewayServer start(GatewaySettings.WebSocket settings, SessionLauncher sessions,
                                      BooleanSupplier ready, BotAccounts accounts, GatewayMetrics metrics)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerSocketChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EdgeLimits limits = EdgeLimits.of(settings);
        ChannelGroup sockets = new DefaultChannelGroup("gateway-sockets", GlobalEventExecutor.INSTANCE);
        metrics.gauge("derailed.sockets", "open gateway sockets", sockets, ChannelGroup::size);
        metrics.gauge("derailed.sockets.outbound.bytes", "bytes queued to sockets and not yet written", sockets,
                GatewayServer::queuedBytes);
        ExecutorService httpStore = httpStoreExecutor();
        BotGatewayEndpoint botGateway = new BotGatewayEndpoint(accounts, httpStore,
                HttpEndpoints.jsonString(settings.publicUrl()));
        Channel listener;
        try {
            listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(limits.outboundHighWaterBytes() / 2,
                                    limits.outboundHighWaterBytes()))
                    .childHandler(new GatewayChannelInitializer(sessions, limits, settings.publicUrl(), ready, sockets,
                            botGateway, metrics))
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
        } catch (Throwable e) {
            // A failed bind must not leave threads behind; the failure itself goes to the caller unchanged.
            httpStore.shutdownNow();
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return new GatewayServer(boss, workers, listener, sockets, httpStore);
    }

    private static ExecutorService httpStoreExecutor() {
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(HTTP_STORE_THREADS, HTTP_STORE_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HTTP_STORE_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "derailed-http-store-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    private static double queuedBytes(ChannelGroup sockets) {
        long total = 0;
        for (Channel socket : sockets) {
            var buffer = socket.unsafe().outboundBuffer();
            total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }
        return total;
    }

    /** The port actually bound (the configured one, or the one chosen for port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Stops accepting, tells every client to reconnect (op 7) and closes its socket with a resumable code, waiting at
     * most {@link #DRAIN_MILLIS} for them to go, then stops the event loops.
     */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        for (Channel socket : sockets) {
            ChannelConnection connection = socket.attr(ChannelConnection.KEY).get();
            if (connection != null) {
                connection.send(one.derailed.gateway.protocol.ServerFrames.RECONNECT);
                connection.close(one.derailed.gateway.protocol.CloseCode.UNKNOWN_ERROR,
                        "the gateway is restarting: reconnect and resume");
            }
        }
        sockets.newCloseFuture().awaitUninterruptibly(DRAIN_MILLIS);
        httpStore.shutdownNow();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
