package one.derailed.gateway.websocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionLauncher;

/**
 * GatewayServer is the edge of a node: one listening socket, native epoll where the system has it, serving the
 * gateway's WebSocket and the clients' HTTP endpoints ({@link #start}), or on a node without the {@code websocket}
 * role health and readiness alone ({@link #startHttpOnly}). It also keeps the node under its client-bytes bound
 * ({@link OverloadShedder}). Operator endpoints are on the operator listener, not here.
 */
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
    /** Token checks for {@code /api/v10/gateway/bot}; null on an HTTP-only edge, which has no such endpoint. */
    private final ExecutorService httpStore;

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, ChannelGroup sockets,
                          ExecutorService httpStore) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.sockets = sockets;
        this.httpStore = httpStore;
    }

    /**
     * Starts the whole edge of a node with the {@code websocket} role: the gateway's WebSocket, and on the same port
     * the HTTP endpoints; {@code accounts} checks the tokens of {@code GET /api/v10/gateway/bot}.
     */
    public static GatewayServer start(GatewaySettings.WebSocket settings, SessionLauncher sessions,
                                      BooleanSupplier ready, BotAccounts accounts, GatewayMetrics metrics)
            throws InterruptedException {
        EdgeLimits limits = EdgeLimits.of(settings);
        ExecutorService httpStore = httpStoreExecutor();
        BotGatewayEndpoint botGateway = new BotGatewayEndpoint(accounts, httpStore,
                HttpEndpoints.jsonString(settings.publicUrl()));
        ConnectionLimit unidentified = unidentifiedLimit(settings, metrics);
        return bind(settings, limits.outboundHighWaterBytes(), httpStore, metrics, sessions.directory(), sockets ->
                new GatewayChannelInitializer(sessions, limits, settings.publicUrl(), ready, sockets, botGateway,
                        metrics, unidentified));
    }

    /**
     * Starts the HTTP endpoints alone, for a node without the {@code websocket} role: operators probe and scrape
     * every node on the same port, while a WebSocket upgrade (and the {@code /api/v10/gateway} URL lookups, which
     * would point at this node) is refused with 503 and {@link HttpEndpoints#NOT_A_GATEWAY_NODE}, so a client or load
     * balancer that reached it by mistake tries another node.
     */
    public static GatewayServer startHttpOnly(GatewaySettings.WebSocket settings, BooleanSupplier ready,
                                              GatewayMetrics metrics) throws InterruptedException {
        EdgeLimits limits = EdgeLimits.of(settings);
        ConnectionLimit connections = unidentifiedLimit(settings, metrics);
        return bind(settings, limits.outboundHighWaterBytes(), null, metrics, null,
                sockets -> new HttpOnlyChannelInitializer(ready, limits, metrics, connections));
    }

    /** Connections not identified yet, per node and per source address; refusals are counted by cause. */
    private static ConnectionLimit unidentifiedLimit(GatewaySettings.WebSocket settings, GatewayMetrics metrics) {
        ConnectionLimit limit = new ConnectionLimit(settings.maxUnidentified(), settings.maxUnidentifiedPerAddress(),
                refusal -> metrics.edgeRefused(refusal == ConnectionLimit.Refusal.LISTENER ? "node" : "address"));
        metrics.gauge("derailed.sockets.unidentified", "connections not identified yet (HTTP ones included)", limit,
                ConnectionLimit::counted);
        return limit;
    }

    private static GatewayServer bind(GatewaySettings.WebSocket settings, int outboundHighWaterBytes,
                                      ExecutorService httpStore, GatewayMetrics metrics, SessionDirectory directory,
                                      Function<ChannelGroup, ChannelInitializer<Channel>> pipeline)
            throws InterruptedException {
        SocketTransport transport = SocketTransport.resolve(settings.transport());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(transport.ioHandlers());
        ChannelGroup sockets = new DefaultChannelGroup("gateway-sockets", GlobalEventExecutor.INSTANCE);
        metrics.gauge("derailed.sockets", "open gateway sockets", sockets, ChannelGroup::size);
        metrics.gauge("derailed.sockets.outbound.bytes", "bytes queued to sockets and not yet written",
                metrics.clientBytes(), bytes -> bytes.held(ClientBytes.Kind.SOCKETS));
        Channel listener;
        try {
            listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(outboundHighWaterBytes / 2, outboundHighWaterBytes))
                    .childHandler(pipeline.apply(sockets))
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
        } catch (Throwable e) {
            // A failed bind must not leave threads behind; the failure itself goes to the caller unchanged.
            if (httpStore != null) {
                httpStore.shutdownNow();
            }
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        boss.scheduleAtFixedRate(new OverloadShedder(sockets, directory, metrics), OverloadShedder.CHECK_INTERVAL_MILLIS,
                OverloadShedder.CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
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
        if (httpStore != null) {
            httpStore.shutdownNow();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
