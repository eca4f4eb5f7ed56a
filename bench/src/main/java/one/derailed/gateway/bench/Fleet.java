package one.derailed.gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import one.derailed.gateway.bench.wire.Endpoint;

/**
 * Fleet is one process's sessions of the load generator: they are spread over one {@link ClientLoop} per thread, opened
 * at the connect rate over the source addresses, let identify at the identify rate, counted by phase, and closed at
 * the end. A pacer thread does the pacing; everything per frame happens on the loops.
 */
final class Fleet implements FleetControl {
    private static final long TICK_MILLIS = 5;
    /** With nothing left to pace, a wake-up of the pacer is all the tick costs: 20 of them a second, not 200. */
    private static final long IDLE_TICK_MILLIS = 50;
    private static final long CLOCK_TICK_NANOS = 10_000_000L;

    final Stats stats = new Stats();
    final byte[] eventName;
    private final FleetConfig config;
    private final List<Account> accounts;
    private final int count;
    private final ClientLoop[] loops;
    private final Inet4Address[] sources;
    private final BenchSession[] sessions;
    private final ScheduledExecutorService pacer;
    private final Pacer connectPacer;
    private final Pacer identifyPacer;
    private final ConcurrentLinkedQueue<BenchSession> waitingToIdentify = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<BenchSession> waitingToReconnect = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger pendingConnects = new AtomicInteger();
    private final AtomicInteger pendingIdentifies = new AtomicInteger();
    private final IdentifyWindow identifyWindow;
    private final AtomicInteger helloed = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicLong firstIdentifyNanos = new AtomicLong();
    private final AtomicLong lastReadyNanos = new AtomicLong();
    private final AtomicLong firstOfflineNanos = new AtomicLong();
    private final AtomicLong lastOfflineNanos = new AtomicLong();
    private final byte[] identifyHead;
    private final byte[] identifyTail;
    private final byte[] observerTail;
    private volatile boolean stopping;
    private volatile boolean identifyEnabled;
    private int nextToConnect;

    Fleet(FleetConfig config, List<Account> accounts) throws IOException {
        this.config = config;
        this.accounts = accounts;
        this.count = accounts.size();
        this.eventName = FrameScan.ascii(config.event());
        this.loops = new ClientLoop[config.threads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new ClientLoop("bench-loop-" + (i + 1), stats, config.readBatchMicros());
        }
        this.sources = new Inet4Address[config.sources()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = source(i);
        }
        this.sessions = new BenchSession[count];
        this.identifyHead = ascii("{\"op\":2,\"d\":{\"token\":\"");
        String tail = "\",\"properties\":{\"os\":\"linux\",\"browser\":\"derailed-bench\",\"device\":"
                + "\"derailed-bench\"},\"large_threshold\":50,\"intents\":";
        this.identifyTail = ascii(tail + config.intents() + "}}");
        this.observerTail = ascii(tail + (config.intents() | FleetConfig.GUILD_PRESENCES) + "}}");
        this.connectPacer = new Pacer(config.connectRate());
        this.identifyPacer = new Pacer(config.identifyRate());
        this.identifyWindow = new IdentifyWindow(config.maxPendingIdentifies(),
                config.readyTargetMillis() * 1_000_000L);
        this.pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-pacer");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static Inet4Address source(int i) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (i + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int size() {
        return count;
    }

    int threads() {
        return loops.length;
    }

    String compress() {
        return config.compress();
    }

    boolean stopping() {
        return stopping;
    }

    boolean reconnecting() {
        return config.reconnect();
    }

    /** Whether session {@code index} stays away once it lost its socket (the {@code departShare} of them). */
    boolean departs(int index) {
        return index % 1000 < config.departShare() * 1000;
    }

    /** Where session {@code index} connects on its {@code attempt}-th socket ({@link #endpointIndex}). */
    Endpoint endpoint(int index, int attempt) {
        List<Endpoint> endpoints = config.endpoints();
        int at = endpointIndex(index, attempt, endpoints.size(), index < config.observers());
        return endpoints.get(at).from(sources[index % sources.length]);
    }

    /**
     * Which of {@code n} endpoints session {@code index} connects to on its {@code attempt}-th socket. The sessions
     * start spread over all of them by index, as a load balancer spreads clients: a lost node's sessions then belong
     * to every worker of a cluster run and come back through all their identify windows, not one worker's (the kill
     * run at 200,000 with each worker at one node: 3,316 of 12,864 back within 100 s, all paced by worker2). Observers
     * start at the first endpoint, which the kill scenario never kills. A session that connects again tries the
     * others in turn, offset by index so that a lost node's sessions share the rest evenly.
     */
    static int endpointIndex(int index, int attempt, int n, boolean observer) {
        if (n == 1) {
            return 0;
        }
        int home = observer ? 0 : index % n;
        return attempt == 0 ? home : (home + 1 + (index / n + attempt - 1) % (n - 1)) % n;
    }

    @Override
    public void start(boolean identifyOnHello) {
        if (identifyOnHello) {
            enableIdentify();
        }
        pacer.execute(this::tickAndReschedule);
    }

    /** Ticks every {@link #TICK_MILLIS} while there is pacing to do, every {@link #IDLE_TICK_MILLIS} once there is none. */
    private void tickAndReschedule() {
        tick();
        boolean idle = nextToConnect >= count && waitingToReconnect.isEmpty()
                && (waitingToIdentify.isEmpty() || !identifyEnabled);
        if (!stopping) {
            pacer.schedule(this::tickAndReschedule, idle ? IDLE_TICK_MILLIS : TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void enableIdentify() {
        identifyEnabled = true;
    }

    private void tick() {
        try {
            // Once identifying is on, a socket that said HELLO and waits for its turn to identify is still in flight:
            // opening more than the identify pacing takes leaves them to the gateway's identify timeout (4003).
            // (Counted, not the queue's size(): that walks the queue, 14,000 long in a storm, at every tick.)
            long waiting = identifyEnabled ? Math.max(0, helloed.get() - pendingIdentifies.get() - ready.get()) : 0;
            long room = Math.max(0, config.maxPendingConnects() - pendingConnects.get() - waiting);
            if (identifyEnabled) {
                // Nor more than the identify window can take next: when it narrows, sockets opened for the wider one
                // would wait at HELLO past the gateway's identify timeout (125 of the first 5,000 in attempt 5).
                room = Math.min(room, Math.max(0,
                        identifyWindow.limit() - pendingIdentifies.get() - waiting - pendingConnects.get()));
            }
            long permits = connectPacer.take(Math.min(room, count - nextToConnect + waitingToReconnect.size()));
            BenchSession again;
            while (permits > 0 && !stopping && (again = waitingToReconnect.poll()) != null) {
                permits--;
                pendingConnects.incrementAndGet();
                stats.add(Counter.RECONNECTS);
                again.connect();
            }
            while (permits-- > 0 && nextToConnect < count && !stopping) {
                connect(nextToConnect++);
            }
            if (identifyEnabled) {
                long identifyRoom = Math.max(0, identifyWindow.limit() - pendingIdentifies.get());
                long grants = identifyPacer.take(Math.min(identifyRoom, waitingToIdentify.size()));
                BenchSession session;
                while (grants-- > 0 && !stopping && (session = waitingToIdentify.poll()) != null) {
                    pendingIdentifies.incrementAndGet();
                    firstIdentifyNanos.compareAndSet(0, System.nanoTime());
                    BenchSession chosen = session;
                    chosen.loop.loop.execute(chosen::identify);
                }
            }
        } catch (RuntimeException e) {
            stats.error("pacer: " + e);
        }
    }

    private void connect(int index) {
        BenchSession session = new BenchSession(this, index, loops[index % loops.length], index < config.observers());
        sessions[index] = session;
        started.incrementAndGet();
        pendingConnects.incrementAndGet();
        stats.add(Counter.CONNECTS_STARTED);
        session.connect();
    }

    byte[] identifyPayload(int index, boolean observer) {
        byte[] token = ascii(accounts.get(index).token());
        byte[] tail = observer ? observerTail : identifyTail;
        byte[] payload = new byte[identifyHead.length + token.length + tail.length];
        System.arraycopy(identifyHead, 0, payload, 0, identifyHead.length);
        System.arraycopy(token, 0, payload, identifyHead.length, token.length);
        System.arraycopy(tail, 0, payload, identifyHead.length + token.length, tail.length);
        return payload;
    }

    String resumePayload(int index, String sessionId, long seq) {
        return "{\"op\":6,\"d\":{\"token\":\"" + accounts.get(index).token() + "\",\"session_id\":\"" + sessionId
                + "\",\"seq\":" + Math.max(0, seq) + "}}";
    }

    void onHello(BenchSession session) {
        pendingConnects.decrementAndGet();
        helloed.incrementAndGet();
        waitingToIdentify.add(session);
    }

    void onHelloResuming(BenchSession session) {
        pendingConnects.decrementAndGet();
        helloed.incrementAndGet();
    }

    void identifyNotSent(BenchSession session) {
        pendingIdentifies.decrementAndGet();
    }

    /** op 9 while identifying or resuming: back in line to identify anew. */
    void onInvalidSession(BenchSession session, byte before) {
        if (before == BenchSession.IDENTIFYING) {
            pendingIdentifies.decrementAndGet();
        } else if (before == BenchSession.READY) {
            ready.decrementAndGet();
        }
        waitingToIdentify.add(session);
    }

    void onReady(BenchSession session, long latencyNanos, long nowNanos) {
        pendingIdentifies.decrementAndGet();
        identifyWindow.onReady(latencyNanos, nowNanos);
        ready.incrementAndGet();
        stats.add(Counter.READIES);
        lastReadyNanos.accumulateAndGet(nowNanos, Math::max);
    }

    void onResumed(BenchSession session) {
        ready.incrementAndGet();
    }

    void offlineSeen(long nowNanos) {
        stats.add(Counter.OFFLINE_SEEN);
        firstOfflineNanos.compareAndSet(0, nowNanos);
        lastOfflineNanos.accumulateAndGet(nowNanos, Math::max);
    }

    /** A session's socket closed; unless it {@code reconnects}, the session is done. */
    void onClosed(BenchSession session, byte before, boolean reconnects) {
        switch (before) {
            case BenchSession.CONNECTING, BenchSession.OPEN -> pendingConnects.decrementAndGet();
            case BenchSession.HELLO, BenchSession.RESUMING -> helloed.decrementAndGet();
            case BenchSession.IDENTIFYING -> {
                helloed.decrementAndGet();
                pendingIdentifies.decrementAndGet();
            }
            case BenchSession.READY -> {
                helloed.decrementAndGet();
                ready.decrementAndGet();
            }
            default -> { }
        }
        if (!reconnects) {
            closed.incrementAndGet();
        }
    }

    /** A session that lost its socket connects again, paced with the others. */
    void reconnectLater(BenchSession session) {
        waitingToReconnect.add(session);
    }

    int ready() {
        return ready.get();
    }

    /** Runs {@code task} on each of the fleet's loops, in turn: a test stalls them with it, as a starved CPU would. */
    void runOnLoops(Runnable task) {
        for (ClientLoop loop : loops) {
            loop.loop.execute(task);
        }
    }

    @Override
    public FleetSample sample() {
        long[] gauges = new long[Counter.ALL.length];
        gauges[Counter.STARTED_NOW.ordinal()] = started.get();
        gauges[Counter.HELLOED_NOW.ordinal()] = helloed.get();
        gauges[Counter.READY_NOW.ordinal()] = ready.get();
        gauges[Counter.CLOSED_NOW.ordinal()] = closed.get();
        gauges[Counter.FIRST_IDENTIFY_NANOS.ordinal()] = firstIdentifyNanos.get();
        gauges[Counter.LAST_READY_NANOS.ordinal()] = lastReadyNanos.get();
        gauges[Counter.FIRST_OFFLINE_NANOS.ordinal()] = firstOfflineNanos.get();
        gauges[Counter.LAST_OFFLINE_NANOS.ordinal()] = lastOfflineNanos.get();
        long loopCpu = 0;
        for (ClientLoop loop : loops) {
            loopCpu += Math.max(0, loop.loop.cpuNanos());
        }
        gauges[Counter.LOOP_CPU_NANOS.ordinal()] = loopCpu;
        gauges[Counter.PROCESS_CPU_NANOS.ordinal()] = processCpuNanos();
        long[] userSystem = processUserSystemNanos();
        gauges[Counter.PROCESS_USER_NANOS.ordinal()] = userSystem[0];
        gauges[Counter.PROCESS_SYSTEM_NANOS.ordinal()] = userSystem[1];
        return stats.sample(gauges);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** This process's user and system CPU from /proc/self/stat (10 ms ticks), or zeros. */
    static long[] processUserSystemNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]) * CLOCK_TICK_NANOS,
                    Long.parseLong(fields[12]) * CLOCK_TICK_NANOS};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    @Override
    public List<long[]> arrivals(long first, long last) {
        List<long[]> result = new ArrayList<>();
        for (long n = first; n <= last; n++) {
            result.add(stats.arrivalsOf(n));
        }
        return result;
    }

    /** Waits until every session is READY (or closed), or {@code timeoutMillis}; true when all are READY. */
    boolean awaitReady(long timeoutMillis) throws InterruptedException {
        return await(() -> ready.get() >= count || (started.get() >= count && ready.get() + closed.get() >= count),
                timeoutMillis) && ready.get() >= count;
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
        int open = 0;
        for (BenchSession session : sessions) {
            if (session != null && session.state != BenchSession.CLOSED) {
                open++;
                session.closeNormally(1000, "bench done");
            }
        }
        try {
            int target = closed.get() + open;
            await(() -> closed.get() >= target, 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ClientLoop loop : loops) {
            loop.close();
        }
    }
}
