package one.derailed.gateway.core.guild;

import com.typesafe.config.ConfigFactory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.session.Delivery;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionDirectoryAccess;
import one.derailed.gateway.core.session.LiveSessionStandIns;
import one.derailed.gateway.core.session.SessionServices;
import one.derailed.gateway.core.session.SocketLoopDispatchers;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * MillionMemberBenchmark fills one guild's {@link GuildState} with a million online members, each with one subscribed
 * session, and measures what issue 3 asks: heap per online member for the guild's own structures, the latency of one
 * subscribe and one unsubscribe at that size, and the time to fan one event out to every session, both as computing
 * the per-node targets and end to end through a real {@link Relay} to a million sessions that count it (live on their
 * socket loops, or actors on Pekko's dispatcher: {@link Recipients}).
 *
 * <p>Not a test (no @Test, and its name does not end in Test, so surefire skips it). Run it as docs/benchmarks.md
 * shows ("A million members in one guild"); arguments are {@code name=value}: {@code members} (1000000),
 * {@code samples} (1000000 unsubscribe/subscribe pairs), {@code warmup} (300000), {@code runs} (5 end-to-end
 * fan-outs), {@code e2e} (true), {@code latency} (true), {@code reference} (false: true measures only the footprint of the first,
 * HashMap-based implementation), {@code nodes} (1: relays, each with its own
 * directory, that the sessions are spread over, as if on that many nodes), {@code lanes} (derailed.relay.lanes),
 * {@code sessions} (live: see {@link Recipients}; actors: the first stand-in), {@code loops} (the live sessions' socket
 * loops, 2 per processor as Netty's default). Every member shares one member object (a 60-byte byte[]), so the heap figure is the
 * guild's own structures only; each subscribe gets its own Presence with freshly made strings, as one deserialized
 * from CBOR would be.
 */
public final class MillionMemberBenchmark {
    private static final long GUILD = 1_100_000_000_000_000_000L;
    private static final byte[] MEMBER = "{\"user\":{\"id\":\"0\"},\"roles\":[],\"joined_at\":null,\"deaf\":false}"
            .getBytes(StandardCharsets.UTF_8);

    private MillionMemberBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int members = Integer.parseInt(options.getOrDefault("members", "1000000"));
        int samples = Integer.parseInt(options.getOrDefault("samples", "1000000"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "300000"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        boolean endToEnd = Boolean.parseBoolean(options.getOrDefault("e2e", "true"));
        boolean latency = Boolean.parseBoolean(options.getOrDefault("latency", "true"));
        int nodes = Integer.parseInt(options.getOrDefault("nodes", "1"));
        Map<String, Object> overrides = new HashMap<>(Map.of("pekko.actor.provider", "local", "pekko.loglevel",
                "WARNING"));
        if (options.containsKey("lanes")) {
            overrides.put("derailed.relay.lanes", Integer.parseInt(options.get("lanes")));
        }
        com.typesafe.config.Config config = GatewayNode.loadConfig(ConfigFactory.parseMap(overrides));
        GatewaySettings.RelayLanes lanes = GatewaySettings.from(config).relayLanes();

        printEnvironment();
        System.out.printf("relay lanes: %d (split above %d sessions)%n", lanes.count(), lanes.splitAbove());
        ActorSystem<Guardian> system = ActorSystem.create(guardian(lanes), "bench", config);
        try {
            // One relay and directory per simulated node; session number n lives on node (n - 1) % nodes.
            SessionDirectory[] directories = new SessionDirectory[nodes];
            @SuppressWarnings({"unchecked", "rawtypes"})
            ActorRef<RelayProtocol.Command>[] relays = new ActorRef[nodes];
            for (int k = 0; k < nodes; k++) {
                directories[k] = new SessionDirectory();
                CompletableFuture<ActorRef<RelayProtocol.Command>> relayStarted = new CompletableFuture<>();
                system.tell(new SpawnRelay(directories[k], "relay-" + k, relayStarted));
                relays[k] = relayStarted.get(10, TimeUnit.SECONDS);
            }

            long[] userIds = new long[members];
            for (int i = 0; i < members; i++) {
                // Snowflake-shaped ids: a rising timestamp part, a worker part, a counter.
                userIds[i] = ((1_000_000_000L + i * 37L) << 22) | ((i % 31L) << 17) | (i & 0xFFF);
            }
            if (Boolean.parseBoolean(options.getOrDefault("reference", "false"))) {
                referenceFootprint(relays, userIds);
                return;
            }
            Presence warm = freshPresence();
            GuildState state = new GuildState(GUILD);
            // Load the classes before the baseline.
            state.subscribe(relays[0], -1, -1, Intents.ALL, MEMBER, warm);
            state.unsubscribe(relays[0], -1, -1);

            Map<String, long[]> histogramBefore = histogram();
            long before = usedHeapAfterGc();
            long fillStart = System.nanoTime();
            for (int i = 0; i < members; i++) {
                state.subscribe(relays[i % nodes], i + 1, userIds[i], Intents.ALL, MEMBER, freshPresence());
            }
            long fillNanos = System.nanoTime() - fillStart;
            long after = usedHeapAfterGc();
            Map<String, long[]> histogramAfter = histogram();
            System.out.printf("%n== Footprint: %,d online members, %,d subscribed sessions on %d node(s)%n",
                    state.onlineCount(), state.subscriberCount(), state.allSessions().size());
            System.out.printf("fill: %,d subscribes in %.2f s (%.0f ns each)%n", members, fillNanos / 1e9,
                    (double) fillNanos / members);
            System.out.printf("heap used after GC: %,d -> %,d bytes: %.1f bytes per online member "
                    + "(the member object is one shared byte[], so this is the guild's own structures)%n",
                    before, after, (after - before) / (double) members);
            printHistogramDiff(histogramBefore, histogramAfter, members);

            if (latency) {
                latencies(state, relays, userIds, warmup, samples);
            }
            targets(state, members);
            guildCreate(state, userIds[0]);
            if (endToEnd) {
                endToEnd(system, directories, state, members, runs, Recipients.of(
                        options.getOrDefault("sessions", "live"), Integer.parseInt(options.getOrDefault("loops",
                                Integer.toString(2 * Runtime.getRuntime().availableProcessors()))), config));
            }
            System.out.printf("%nstill online: %,d (keeps the state reachable to the end)%n", state.onlineCount());
        } finally {
            // Stopping a million actors gracefully takes longer than the whole fan-out; nothing here needs it.
            // A flight recording started with -XX:StartFlightRecording=filename=... is written out first.
            for (jdk.jfr.Recording recording : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
                recording.stop();
            }
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    /** The same fill into the first, HashMap-based implementation (ReferenceGuildState), for comparison. */
    private static void referenceFootprint(ActorRef<RelayProtocol.Command>[] relays, long[] userIds) throws Exception {
        ReferenceGuildState state = new ReferenceGuildState(GUILD);
        long before = usedHeapAfterGc();
        for (int i = 0; i < userIds.length; i++) {
            state.subscribe(relays[i % relays.length], i + 1, userIds[i], Intents.ALL, MEMBER, freshPresence());
        }
        long after = usedHeapAfterGc();
        System.out.printf("%n== Footprint of the first, HashMap-based GuildState (ReferenceGuildState): %,d online%n",
                state.onlineCount());
        System.out.printf("heap used after GC: %,d -> %,d bytes: %.1f bytes per online member%n", before, after,
                (after - before) / (double) userIds.length);
    }

    /** A presence as one arrives deserialized: equal strings, new objects every time. */
    private static Presence freshPresence() {
        return new Presence(new String(new char[] {'o', 'n', 'l', 'i', 'n', 'e'}), new String(new char[] {'[', ']'}),
                Presence.Platform.desktop);
    }

    /**
     * Unsubscribes a batch of random sessions, timing each, then subscribes them again in another random order, so
     * a subscribe does not find the cache lines its own unsubscribe just touched.
     */
    private static void latencies(GuildState state, ActorRef<RelayProtocol.Command>[] relays, long[] userIds, int warmup,
                                  int samples) {
        SplittableRandom random = new SplittableRandom(42);
        int members = userIds.length;
        int batch = Math.min(10_000, members / 4);
        int[] picked = new int[batch];
        Presence[] presences = new Presence[batch];
        long[] unsubscribe = new long[samples];
        long[] subscribe = new long[samples];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        long gcBefore = 0;
        for (int done = -warmup; done < samples; done += batch) {
            if (done >= 0 && done - batch < 0) {
                gcBefore = gcCount();
            }
            int count = Math.min(batch, done < 0 ? -done : samples - done);
            // Distinct sessions: each is its user's only one, so each unsubscribe takes the user offline.
            java.util.BitSet chosen = new java.util.BitSet(members);
            for (int k = 0; k < count; k++) {
                int i;
                do {
                    i = random.nextInt(members);
                } while (chosen.get(i));
                chosen.set(i);
                picked[k] = i;
                presences[k] = freshPresence();
            }
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < count; k++) {
                int i = picked[k];
                long t0 = System.nanoTime();
                boolean wentOffline = state.unsubscribe(relays[i % relays.length], i + 1, userIds[i]);
                long t1 = System.nanoTime();
                if (!wentOffline) {
                    throw new IllegalStateException("session " + (i + 1) + " was not its user's only one");
                }
                if (done >= 0) {
                    unsubscribe[done + k] = t1 - t0;
                }
            }
            for (int k = count - 1; k > 0; k--) {
                int j = random.nextInt(k + 1);
                int swap = picked[k];
                picked[k] = picked[j];
                picked[j] = swap;
            }
            for (int k = 0; k < count; k++) {
                int i = picked[k];
                long t0 = System.nanoTime();
                boolean cameOnline = state.subscribe(relays[i % relays.length], i + 1, userIds[i], Intents.ALL,
                        MEMBER, presences[k]);
                long t1 = System.nanoTime();
                if (!cameOnline) {
                    throw new IllegalStateException("user of session " + (i + 1) + " was still online");
                }
                if (done >= 0) {
                    subscribe[done + k] = t1 - t0;
                }
            }
            if (done >= 0) {
                allocated += threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            }
        }
        long gcs = gcCount() - gcBefore;
        long overhead = timerOverhead();
        System.out.printf("%n== Latency at %,d online: %,d unsubscribes then %,d subscribes of random sessions, in "
                + "batches of %,d (subscribed again in another order), after %,d warm-up pairs; each is its user's "
                + "only session, so each unsubscribe takes the user offline and each subscribe brings them back%n",
                members, samples, samples, batch, warmup);
        System.out.printf("nanoTime overhead (back-to-back calls, median): %d ns, included below%n", overhead);
        printPercentiles("unsubscribe", unsubscribe);
        printPercentiles("subscribe", subscribe);
        System.out.printf("allocated: %.1f bytes per unsubscribe+subscribe pair (the 32-byte member entry); %d GCs "
                + "during the measured loop%n", allocated / (double) samples, gcs);
    }

    private static void targets(GuildState state, int members) {
        for (int r = 0; r < 50; r++) {
            state.targets(Intents.GUILD_MESSAGES, 0);
            state.targets(Intents.GUILD_PRESENCES, 12345);
            state.targetsByContent(Intents.GUILD_MESSAGES, userId -> userId == 12345);
        }
        int rounds = 21;
        long[] nanos = new long[rounds];
        long delivered = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Map<ActorRef<RelayProtocol.Command>, long[]> targets = state.targets(Intents.GUILD_MESSAGES, 0);
            nanos[r] = System.nanoTime() - t0;
            for (long[] sessions : targets.values()) {
                delivered += sessions.length;
            }
        }
        long[] excluding = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            state.targets(Intents.GUILD_PRESENCES, 12345);
            excluding[r] = System.nanoTime() - t0;
        }
        long[] split = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            state.targetsByContent(Intents.GUILD_MESSAGES, userId -> userId == 12345);
            split[r] = System.nanoTime() - t0;
        }
        if (delivered != (long) rounds * members) {
            throw new IllegalStateException("targets missed sessions: " + delivered);
        }
        System.out.printf("%n== Fan-out (a): computing the per-node targets of one event for %,d sessions, %d rounds "
                + "after 50 warm-up rounds%n",
                members, rounds);
        printPercentiles("targets(GUILD_MESSAGES)", nanos);
        printPercentiles("targets(PRESENCES, excluding a user)", excluding);
        printPercentiles("targetsByContent", split);
    }

    /** What a subscribe also costs the guild at this size: the new session's GUILD_CREATE lists every online member. */
    private static void guildCreate(GuildState state, long receiverId) {
        GuildDocument document = new GuildDocument(new one.derailed.gateway.store.GuildSnapshot(
                new one.derailed.gateway.store.GuildRecord(GUILD, "A million", null, receiverId, 0, 0),
                List.of(), List.of(), state.onlineCount()));
        System.out.printf("%n== GUILD_CREATE for one subscribing session at %,d online (GuildState.guildCreateFor)%n",
                state.onlineCount());
        for (int intents : new int[] {Intents.ALL, Intents.GUILDS}) {
            long[] nanos = new long[3];
            int size = 0;
            for (int r = 0; r < nanos.length; r++) {
                long t0 = System.nanoTime();
                size = state.guildCreateFor(document, receiverId, intents, 250, null).length;
                nanos[r] = System.nanoTime() - t0;
            }
            printPercentiles(String.format("%s: %,d bytes", intents == Intents.ALL ? "with GUILD_PRESENCES"
                    : "without GUILD_PRESENCES", size), nanos);
        }
    }

    private static void endToEnd(ActorSystem<Guardian> system, SessionDirectory[] directories, GuildState state,
                                 int members, int runs, Recipients recipients)
            throws Exception {
        long spawnStart = System.nanoTime();
        int batch = 50_000;
        for (int first = 1; first <= members; first += batch) {
            CompletableFuture<Void> spawned = new CompletableFuture<>();
            system.tell(new SpawnSessions(directories, first, Math.min(batch, members - first + 1), recipients,
                    spawned));
            spawned.get(5, TimeUnit.MINUTES);
        }
        // A live stand-in lists itself once it has started on its loop.
        long listedBy = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (Arrays.stream(directories).mapToInt(SessionDirectory::size).sum() < members) {
            if (System.nanoTime() > listedBy) {
                throw new IllegalStateException("sessions not all listed after 5 minutes");
            }
            Thread.sleep(10);
        }
        long spawnNanos = System.nanoTime() - spawnStart;
        int registered = Arrays.stream(directories).mapToInt(SessionDirectory::size).sum();
        System.out.printf("%n== Fan-out (b): end to end, GuildState.targets -> RelayProtocol.Deliver (one per node, %d node(s) "
                + "in this JVM) -> %,d sessions: %s%n", directories.length, registered, recipients.describe());
        System.out.printf("spawned and registered %,d session actors in %.1f s; heap used after GC: %,d bytes%n",
                registered, spawnNanos / 1e9, usedHeapAfterGc());
        byte[] event = "{\"id\":\"1\",\"channel_id\":\"2\",\"content\":\"hello, a million\"}"
                .getBytes(StandardCharsets.UTF_8);
        long[] totals = new long[runs];
        long[] cpus = new long[runs];
        for (int r = -1; r < runs; r++) { // run 0 warms up and is not counted
            recipients.reset();
            long cpu0 = processCpuNanos();
            long gc0 = gcMillis();
            long t0 = System.nanoTime();
            Map<ActorRef<RelayProtocol.Command>, long[]> targets = state.targets(Intents.GUILD_MESSAGES, 0);
            long t1 = System.nanoTime();
            targets.forEach((node, sessions) -> node.tell(new RelayProtocol.Deliver(sessions, "MESSAGE_CREATE", event)));
            if (!recipients.await(members, 120)) {
                throw new IllegalStateException("only " + recipients.counted() + " sessions counted the event");
            }
            long t2 = System.nanoTime();
            long cpu = processCpuNanos() - cpu0;
            long gc = gcMillis() - gc0;
            if (r >= 0) {
                totals[r] = t2 - t0;
                cpus[r] = cpu;
            }
            // CPU time of the whole process (all threads, GC included) tells the work done apart from a busy machine.
            System.out.printf("run %d%s: %,d sessions counted the event in %.0f ms (targets %.1f ms, relay and "
                    + "sessions %.0f ms; process CPU %.0f ms; GC %d ms)%s%n", r + 1, r < 0 ? " (warm-up)" : "",
                    recipients.counted(), (t2 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, cpu / 1e6, gc,
                    recipients.detail());
            Thread.sleep(500);
        }
        printPercentiles("end-to-end fan-out", totals);
        printPercentiles("process CPU per fan-out", cpus);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    /**
     * The million sessions an event goes to, and how the benchmark knows they all have it. {@code sessions=live}
     * (the default) is the path of a node's sessions with sockets ({@link LiveSessionStandIns}): real session state
     * on the sockets' event loops, handed each event by the relay's lanes one task per loop, numbered, kept for a
     * resume and written to a socket that counts the frames. {@code sessions=actors}, the benchmark's first stand-in,
     * is a session without a loop (a moved session waiting for its client, or {@code on-socket-loop} off): an actor
     * that counts the Dispatch messages in its mailbox.
     */
    abstract static class Recipients {
        abstract void reset();

        abstract long counted();

        abstract String describe();

        String detail() {
            return "";
        }

        abstract ActorRef<SessionProtocol.Command> spawn(ActorContext<Guardian> context, SessionDirectory directory,
                                                         long number);

        /** Waits (polling every 50 µs) until {@code goal} dispatches are counted; false after {@code seconds}. */
        boolean await(long goal, int seconds) {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (counted() < goal) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
            return true;
        }

        static Recipients of(String kind, int loops, com.typesafe.config.Config config) {
            return switch (kind) {
                case "live" -> new Live(loops, config);
                case "actors" -> new Counters();
                default -> throw new IllegalArgumentException("sessions=" + kind + ": live or actors");
            };
        }
    }

    /** Actors on Pekko's dispatcher that count the dispatches in their mailbox. */
    static final class Counters extends Recipients {
        private static final LongAdder COUNTED = new LongAdder();
        private static final Behavior<SessionProtocol.Command> SESSION = Behaviors.receiveMessage(message -> {
            if (message instanceof Delivery.Dispatch) {
                COUNTED.increment();
            }
            return Behaviors.same();
        });

        @Override
        void reset() {
            COUNTED.reset();
        }

        @Override
        long counted() {
            return COUNTED.sum();
        }

        @Override
        String describe() {
            return "actors on Pekko's dispatcher, each counting the Dispatch messages in its mailbox (sessions=actors)";
        }

        @Override
        ActorRef<SessionProtocol.Command> spawn(ActorContext<Guardian> context, SessionDirectory directory,
                                                long number) {
            ActorRef<SessionProtocol.Command> session = context.spawn(SESSION, "s" + number);
            SessionDirectoryAccess.register(directory, number, session);
            return session;
        }
    }

    /** Live sessions on {@code loops} single threads standing in for the edge's Netty event loops, a socket each. */
    static final class Live extends Recipients {
        private final LiveSessionStandIns.CountingSocket[] sockets;
        private final com.typesafe.config.Config config;
        private SocketLoopDispatchers dispatchers;
        private final Map<SessionDirectory, SessionServices> services = new HashMap<>();

        Live(int loops, com.typesafe.config.Config config) {
            this.config = config;
            sockets = new LiveSessionStandIns.CountingSocket[loops];
            for (int i = 0; i < loops; i++) {
                String name = "socket-loop-" + i;
                sockets[i] = new LiveSessionStandIns.CountingSocket(
                        java.util.concurrent.Executors.newSingleThreadExecutor(task -> new Thread(task, name)));
            }
        }

        @Override
        void reset() {
            for (LiveSessionStandIns.CountingSocket socket : sockets) {
                socket.reset();
            }
        }

        @Override
        long counted() {
            long frames = 0;
            for (LiveSessionStandIns.CountingSocket socket : sockets) {
                frames += socket.frames();
            }
            return frames;
        }

        @Override
        String describe() {
            return "live sessions on " + sockets.length + " socket loops (sessions=live: numbered, kept for a resume, "
                    + "written to a counting socket)";
        }

        @Override
        String detail() {
            long throughMailbox = 0;
            for (LiveSessionStandIns.CountingSocket socket : sockets) {
                throughMailbox += socket.throughMailbox();
            }
            return String.format("; %,d through a mailbox", throughMailbox);
        }

        @Override
        ActorRef<SessionProtocol.Command> spawn(ActorContext<Guardian> context, SessionDirectory directory,
                                                long number) {
            if (dispatchers == null) {
                dispatchers = new SocketLoopDispatchers(context.getSystem(), true);
            }
            SessionServices nodeServices = services.computeIfAbsent(directory, d -> {
                GatewaySettings settings = GatewaySettings.from(config);
                return new SessionServices(d, null, null, null, settings.sessions(), settings.limits(),
                        "ws://127.0.0.1:0", true, new one.derailed.gateway.core.metrics.GatewayMetrics());
            });
            return LiveSessionStandIns.spawn(context, dispatchers, nodeServices, number,
                    sockets[(int) (number % sockets.length)]);
        }
    }

    sealed interface Guardian {}

    record SpawnRelay(SessionDirectory directory, String name, CompletableFuture<ActorRef<RelayProtocol.Command>> started)
            implements Guardian {}

    record SpawnSessions(SessionDirectory[] directories, long firstNumber, int count, Recipients recipients,
                         CompletableFuture<Void> done) implements Guardian {}

    private static Behavior<Guardian> guardian(GatewaySettings.RelayLanes lanes) {
        return Behaviors.setup(context -> Behaviors.receive(Guardian.class)
                .onMessage(SpawnRelay.class, spawn -> {
                    spawn.started().complete(context.spawn(Relay.create(spawn.directory(),
                            new one.derailed.gateway.core.metrics.GatewayMetrics(), lanes), spawn.name()));
                    return Behaviors.same();
                })
                .onMessage(SpawnSessions.class, spawn -> {
                    for (int i = 0; i < spawn.count(); i++) {
                        long number = spawn.firstNumber() + i;
                        spawn.recipients().spawn(context,
                                spawn.directories()[(int) ((number - 1) % spawn.directories().length)], number);
                    }
                    spawn.done().complete(null);
                    return Behaviors.same();
                })
                .build());
    }

    private static void printPercentiles(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        if (sorted.length < 1000) {
            System.out.printf("%-40s min %s  median %s  max %s  (n=%d)%n", name, time(sorted[0]),
                    time(sorted[sorted.length / 2]), time(sorted[sorted.length - 1]), sorted.length);
            return;
        }
        System.out.printf("%-12s p50 %s  p90 %s  p99 %s  p99.9 %s  p99.99 %s  max %s  (n=%,d)%n", name,
                time(at(sorted, 0.50)), time(at(sorted, 0.90)), time(at(sorted, 0.99)), time(at(sorted, 0.999)),
                time(at(sorted, 0.9999)), time(sorted[sorted.length - 1]), sorted.length);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
    }

    private static String time(long nanos) {
        if (nanos < 10_000) {
            return nanos + " ns";
        }
        if (nanos < 10_000_000) {
            return String.format("%.1f µs", nanos / 1e3);
        }
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static long timerOverhead() {
        long[] gaps = new long[100_000];
        for (int i = 0; i < gaps.length; i++) {
            long t0 = System.nanoTime();
            gaps[i] = System.nanoTime() - t0;
        }
        Arrays.sort(gaps);
        return gaps[gaps.length / 2];
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    private static void printEnvironment() {
        Runtime runtime = Runtime.getRuntime();
        List<String> collectors = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> collectors.add(gc.getName()));
        System.out.printf("JVM %s %s; %d processors; max heap %,d MiB; collectors %s; flags %s%n",
                System.getProperty("java.vm.name"), Runtime.version(), runtime.availableProcessors(),
                runtime.maxMemory() >> 20, collectors, ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /**
     * The live-object histogram of this JVM, class -> {count, bytes}: the GC.class_histogram diagnostic command (it
     * collects first), run in process through its MBean, since attaching jcmd is not possible everywhere.
     */
    private static Map<String, long[]> histogram() {
        Map<String, long[]> classes = new HashMap<>();
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : text.toString().split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length >= 4 && parts[0].endsWith(":") && !parts[0].equals("Total")) {
                    classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                }
            }
        } catch (Exception e) {
            System.out.println("(no class histogram: " + e + ")");
        }
        return classes;
    }

    private static void printHistogramDiff(Map<String, long[]> before, Map<String, long[]> after, int members) {
        if (after.isEmpty()) {
            return;
        }
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            long[] diff = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            total += diff[1];
            if (Math.abs(diff[1]) >= members / 2) {
                grown.add(Map.entry(e.getKey(), diff));
            }
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        System.out.println("live objects added by the fill (GC.class_histogram after minus before; classes under 0.5 bytes/member not listed):");
        for (Map.Entry<String, long[]> e : grown) {
            System.out.printf("  %-60s %,12d objects %,14d bytes  %6.1f bytes/member%n", e.getKey(),
                    e.getValue()[0], e.getValue()[1], e.getValue()[1] / (double) members);
        }
        System.out.printf("  %-60s %12s         %,14d bytes  %6.1f bytes/member%n", "all classes", "", total,
                total / (double) members);
    }
}
