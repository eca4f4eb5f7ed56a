package one.derailed.gateway.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Fleet is the load generator's sessions: it opens them at the connect rate over the source addresses, lets them
 * identify at the identify rate, keeps count of where each one is, and closes them all at the end.
 */
final class Fleet implements AutoCloseable {
    private static final long TICK_MILLIS = 5;
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    final Stats stats;
    final byte[] eventName;
    private final Options.Fleet options;
    private final List<Account> accounts;
    private final int count;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final InetSocketAddress remote;
    private final InetSocketAddress[] sources;
    private final WebSocketClientProtocolConfig webSocketConfig;
    private final BenchSession[] sessions;
    private final ScheduledExecutorService pacer;
    private final ConcurrentLinkedQueue<BenchSession> waitingToIdentify = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingConnects = new AtomicInteger();
    private final AtomicInteger pendingIdentifies = new AtomicInteger();
    private final AtomicInteger helloed = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong firstIdentifyNanos = new AtomicLong();
    private final AtomicLong lastReadyNanos = new AtomicLong();
    private final Map<Long, AtomicInteger> readyByGuild = new HashMap<>();
    private final String identifyHead;
    private final String identifyTail;
    private volatile boolean stopping;
    private volatile boolean identifyEnabled;
    private volatile long identifyStartNanos;
    private long identifiesReleased;
    private long connectStartNanos;
    private int nextToConnect;

    Fleet(Options.Target target, Options.Fleet options, Stats stats, List<Account> accounts) {
        this.options = options;
        this.stats = stats;
        this.accounts = accounts;
        this.count = options.sessions > 0 ? Math.min(options.sessions, accounts.size()) : accounts.size();
        if (options.sources < 1 || options.sources > 254) {
            throw new IllegalArgumentException("--sources must be 1..254");
        }
        this.eventName = FrameScan.ascii(options.event);
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(options.threads, new DefaultThreadFactory("bench-client", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.remote = new InetSocketAddress(target.host, target.port);
        this.sources = new InetSocketAddress[options.sources];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress("127.0.0." + (i + 1), 0);
        }
        this.webSocketConfig = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://" + target.host + ":" + target.port + options.query()))
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(10_000)
                .generateOriginHeader(false)
                .withUTF8Validator(false)
                .build();
        this.sessions = new BenchSession[count];
        for (int i = 0; i < count; i++) {
            readyByGuild.computeIfAbsent(accounts.get(i).guildId(), g -> new AtomicInteger());
        }
        this.identifyHead = "{\"op\":2,\"d\":{\"token\":\"";
        this.identifyTail = "\",\"properties\":{\"os\":\"linux\",\"browser\":\"derailed-bench\",\"device\":"
                + "\"derailed-bench\"},\"large_threshold\":50,\"intents\":" + options.intents + "}}";
        this.pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-pacer");
            thread.setDaemon(true);
            return thread;
        });
    }

    int size() {
        return count;
    }

    boolean epoll() {
        return epoll;
    }

    String compress() {
        return options.compress;
    }

    boolean stopping() {
        return stopping;
    }

    /** Starts connecting; with {@code identifyOnHello} each session identifies (at the identify rate) after HELLO. */
    void start(boolean identifyOnHello) {
        connectStartNanos = System.nanoTime();
        if (identifyOnHello) {
            enableIdentify();
        }
        pacer.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Lets the sessions that said HELLO identify, at the identify rate from now on. */
    void enableIdentify() {
        identifyStartNanos = System.nanoTime();
        identifyEnabled = true;
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            long allowed = allowed(options.connectRate, now - connectStartNanos, nextToConnect);
            while (nextToConnect < count && allowed-- > 0 && pendingConnects.get() < options.maxPendingConnects
                    && !stopping) {
                connect(nextToConnect++);
            }
            if (identifyEnabled) {
                long permits = allowed(options.identifyRate, now - identifyStartNanos, identifiesReleased);
                BenchSession session;
                while (permits-- > 0 && pendingIdentifies.get() < options.maxPendingIdentifies && !stopping
                        && (session = waitingToIdentify.poll()) != null) {
                    identifiesReleased++;
                    pendingIdentifies.incrementAndGet();
                    firstIdentifyNanos.compareAndSet(0, Clock.now());
                    BenchSession chosen = session;
                    chosen.channel.eventLoop().execute(chosen::identify);
                }
            }
        } catch (RuntimeException e) {
            stats.errors("pacer: " + e);
        }
    }

    private static long allowed(int ratePerSecond, long elapsedNanos, long done) {
        if (ratePerSecond <= 0) {
            return Long.MAX_VALUE;
        }
        return (long) (ratePerSecond * (elapsedNanos / 1e9)) + 1 - done;
    }

    private void connect(int index) {
        BenchSession session = new BenchSession(this, index);
        session.connectStartNanos = Clock.now();
        sessions[index] = session;
        pendingConnects.incrementAndGet();
        stats.connectsStarted.increment();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new HttpClientCodec(),
                                new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(webSocketConfig),
                                new WebSocketFrameAggregator(MAX_MESSAGE_BYTES),
                                session);
                    }
                });
        if (epoll) {
            // Pick the port at connect time, per (source, destination), not at bind time.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        ChannelFuture connected = bootstrap.connect(remote, sources[index % sources.length]);
        session.channel = connected.channel();
        connected.addListener(done -> {
            if (!done.isSuccess()) {
                stats.connectFailures.increment();
                stats.errors("connect: " + done.cause().getClass().getSimpleName() + ": "
                        + done.cause().getMessage());
                session.closed(true);
            }
        });
    }

    String identifyPayload(int index) {
        return identifyHead + accounts.get(index).token() + identifyTail;
    }

    void onHello(BenchSession session) {
        pendingConnects.decrementAndGet();
        helloed.incrementAndGet();
        waitingToIdentify.add(session);
    }

    void identifyNotSent(BenchSession session) {
        pendingIdentifies.decrementAndGet();
    }

    void onReady(BenchSession session, long nowNanos) {
        pendingIdentifies.decrementAndGet();
        ready.incrementAndGet();
        stats.readies.increment();
        readyByGuild.get(accounts.get(session.index).guildId()).incrementAndGet();
        lastReadyNanos.accumulateAndGet(nowNanos, Math::max);
    }

    void onClosed(BenchSession session, byte before) {
        closed.incrementAndGet();
        switch (before) {
            case BenchSession.CONNECTING, BenchSession.OPEN -> pendingConnects.decrementAndGet();
            case BenchSession.HELLO -> helloed.decrementAndGet();
            case BenchSession.IDENTIFYING -> {
                helloed.decrementAndGet();
                pendingIdentifies.decrementAndGet();
            }
            case BenchSession.READY -> {
                helloed.decrementAndGet();
                ready.decrementAndGet();
                readyByGuild.get(accounts.get(session.index).guildId()).decrementAndGet();
            }
            default -> { }
        }
    }

    /** Sessions READY now. */
    int ready() {
        return ready.get();
    }

    /** Sessions past HELLO and not closed (READY ones included). */
    int helloed() {
        return helloed.get();
    }

    int closedCount() {
        return closed.get();
    }

    int started() {
        return (int) stats.connectsStarted.sum();
    }

    /** READY sessions of {@code guildId} now (guild 0: sessions whose tokens file named no guild). */
    int readyIn(long guildId) {
        AtomicInteger n = readyByGuild.get(guildId);
        return n == null ? 0 : n.get();
    }

    /** The guild most of this fleet's sessions are in (0 when the tokens file names none). */
    long largestGuild() {
        Map<Long, Integer> members = new HashMap<>();
        for (int i = 0; i < count; i++) {
            members.merge(accounts.get(i).guildId(), 1, Integer::sum);
        }
        return members.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
    }

    /** Every guild of this fleet's sessions, in the order they first appear. */
    List<Long> guilds() {
        return accounts.subList(0, count).stream().map(Account::guildId).filter(g -> g != 0).distinct().toList();
    }

    long firstIdentifyNanos() {
        return firstIdentifyNanos.get();
    }

    long lastReadyNanos() {
        return lastReadyNanos.get();
    }

    /** Waits until every session is READY (or closed), or {@code timeoutMillis}; true when all are READY. */
    boolean awaitReady(long timeoutMillis) throws InterruptedException {
        return await(() -> ready.get() >= count || (started() >= count && ready.get() + closed.get() >= count),
                timeoutMillis) && ready.get() >= count;
    }

    /** Waits until every session said HELLO (or closed), or {@code timeoutMillis}; true when all did. */
    boolean awaitHello(long timeoutMillis) throws InterruptedException {
        return await(() -> helloed.get() >= count || (started() >= count && helloed.get() + closed.get() >= count),
                timeoutMillis) && helloed.get() >= count;
    }

    private static boolean await(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Closes every session with 1000 (ending it on the server), waiting a bounded time. */
    @Override
    public void close() {
        stopping = true;
        pacer.shutdownNow();
        for (BenchSession session : sessions) {
            if (session != null) {
                session.closeNormally(1000, "bench done");
            }
        }
        try {
            await(() -> closed.get() >= started(), 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
