package one.derailed.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.bench.cluster.BenchCluster;
import one.derailed.gateway.bench.cluster.Machine;
import one.derailed.gateway.bench.cluster.MembershipWatch;
import one.derailed.gateway.bench.cluster.NodeProcess;
import one.derailed.gateway.bench.cluster.NodeSpec;
import one.derailed.gateway.bench.cluster.Plan;
import one.derailed.gateway.bench.cluster.WorkerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * run SCENARIO: one scenario end to end. It plans the run to fit the machine (and refuses one that does not),
 * prepares the users, guilds and tokens once, starts the gateway (one node, or a cluster of edge and core nodes)
 * and the load generator's worker processes, runs the scenario with progress reports, and stops everything it
 * started, bounded in time, also on failure, Ctrl-C or when the run outlives its bound. With {@code --attach} it
 * measures a gateway that is already running instead. {@code fanout} without {@code --sessions} on one node runs
 * issue 14's pair: 2,000 sessions, then 10,000, each beside fanout_floor when {@code --floor} is given.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario (idle, storm, fanout, guilds, kill) against a gateway of its own, or --attach.")
final class ScenarioCommand implements Callable<Integer> {
    private static final List<String> SCENARIOS = List.of("idle", "storm", "fanout", "guilds", "kill");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Parameters(index = "0", description = "idle, storm, fanout, guilds or kill.")
    String scenario;

    @Mixin
    ScenarioOptions o;

    private final PrintStream out = System.out;
    private final List<Runnable> emergencyStops = new CopyOnWriteArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("unknown scenario '" + scenario + "': " + SCENARIOS);
        }
        if (o.rounds < 1 || (o.rounds > 1 && !scenario.equals("storm"))) {
            throw new IllegalArgumentException("--rounds is for storm only, and at least 1");
        }
        if (scenario.equals("kill")) {
            o.cluster = true;
        }
        o.publishing.defaults(scenario.equals("guilds"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> emergencyStops.forEach(Runnable::run),
                "bench-emergency-stop"));
        List<Integer> parts = parts();
        if (!o.dryRun) {
            startWatchdog(o.maxSeconds > 0 ? o.maxSeconds
                    : parts.stream().mapToInt(this::boundSeconds).sum());
        }
        int code = 0;
        for (int sessions : parts) {
            code |= part(sessions);
        }
        return code;
    }

    /** The session counts to run: the scenario's default (or the given one); fan-out on one node runs two. */
    private List<Integer> parts() {
        if (o.sessions > 0) {
            return List.of(o.sessions);
        }
        if (o.attach) {
            return List.of(0);
        }
        List<Integer> defaults = switch (scenario) {
            case "idle", "storm" -> List.of(o.cluster ? 200_000 : 10_000);
            case "fanout" -> o.cluster ? List.of(100_000) : List.of(2_000, 10_000);
            case "guilds", "kill" -> List.of(o.cluster ? 200_000 : 15_000);
            default -> throw new IllegalStateException(scenario);
        };
        if (o.scale > 0) {
            return defaults.stream().map(n -> Math.max(1, (int) Math.round(n * o.scale))).toList();
        }
        return defaults;
    }

    private int guildSize() {
        if (o.guildSize >= 0) {
            return o.guildSize;
        }
        return switch (scenario) {
            case "fanout" -> 0;
            case "guilds" -> 10;
            default -> 100;
        };
    }

    private int part(int requested) throws Exception {
        int sessions = requested;
        Path tokens;
        Plan plan = null;
        if (o.attach) {
            if (o.tokens == null) {
                throw new IllegalArgumentException("--attach needs --tokens");
            }
            tokens = o.tokens;
            List<Account> all = Account.read(tokens, sessions);
            sessions = all.size();
        } else {
            int size = guildSize();
            int guilds = size == 0 ? 1 : (sessions + size - 1) / size;
            plan = new Plan(new Plan.Request(scenario, sessions, guilds, o.cluster ? Math.max(0, o.edges) : -1, o.coreNodes,
                    o.workers, o.threads, o.maxSessionsPerEdge, o.compress, o.nodeHeapMib, o.edgeHeapMib,
                    o.coreHeapMib, o.workerHeapMib, o.portBase, boundSeconds(sessions)), Machine.current());
            plan.print(out);
            if (o.dryRun) {
                printCommands(plan, guilds);
                return 0;
            }
            if (!plan.problems().isEmpty()) {
                out.println("derailed bench: the plan does not fit this machine; refusing to start (see above)");
                return 2;
            }
            tokens = prepare(sessions, guilds);
        }
        boolean clustered = plan != null && plan.isCluster();
        List<Account> accounts = Account.read(tokens, sessions);
        Map<Long, Integer> members = new LinkedHashMap<>();
        for (Account a : accounts) {
            members.merge(a.guildId(), 1, Integer::sum);
        }
        List<Long> guilds = members.keySet().stream().filter(g -> g != 0).toList();
        Path logs = o.data.resolve("logs").resolve(ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-" + scenario
                + "-" + sessions);
        Files.createDirectories(logs);
        if (scenario.equals("fanout") && o.floor != null) {
            FloorCommand.run(o.floor, sessions, 200_000, 250, out);
        }
        BenchCluster cluster = null;
        MembershipWatch watch = null;
        Fleets fleets = null;
        Reporter reporter = null;
        int code = 0;
        try {
            List<String> ingress;
            List<Servers.Server> servers = new ArrayList<>();
            List<String> endpoints = new ArrayList<>();
            if (plan == null) {
                ingress = List.of(o.host + ":" + o.grpcPort);
                endpoints.add(o.host + ":" + o.port);
                servers.add(new Servers.Server("gateway", new ServerProbe(o.serverPid,
                        "http://" + o.host + ":" + o.operatorPort + "/metrics"), true, sessions));
            } else {
                cluster = new BenchCluster(plan, settings(plan, tokens.getParent(), logs));
                BenchCluster starting = cluster;
                emergencyStops.add(() -> starting.nodes().forEach(NodeProcess::kill));
                out.printf("== starting %d node(s); logs in %s%n", plan.nodes().size(), logs);
                cluster.start(out);
                if (clustered) {
                    watch = new MembershipWatch(cluster.nodes());
                    Run.hold(2);
                    watch.markSteady();
                }
                ingress = plan.grpcNodes().stream().map(n -> "127.0.0.1:" + n.grpcPort()).toList();
                for (NodeProcess node : cluster.nodes()) {
                    servers.add(new Servers.Server(node.name(), new ServerProbe(node.pid(), node.metricsUrl()),
                            node.spec().isEdge(), node.spec().sessions()));
                }
                for (NodeSpec edge : plan.edgeNodes()) {
                    endpoints.add("127.0.0.1:" + edge.httpPort());
                }
            }
            if (clustered) {
                settle(new Servers(servers));
            }
            List<WorkerSpec> workers = plan != null ? plan.workers()
                    : List.of(new WorkerSpec("worker1", 0, sessions, List.of(0), o.threads, 128 + sessions * 4L / 1024,
                            0, sessions + 1000));
            for (int round = 1; round <= o.rounds; round++) {
                if (o.rounds > 1) {
                    out.printf("%n== round %d of %d%s%n", round, o.rounds, round == 1 ? ": cold JVMs"
                            : ": the same sessions again, the nodes warm from the rounds before");
                }
                fleets = new Fleets(startWorkers(workers, tokens, endpoints, logs, members.size(),
                        plan == null ? 1 : plan.sources(), clustered));
                Fleets started = fleets;
                emergencyStops.add(() -> started.members().forEach(f -> ((RemoteFleet) f).kill()));
                reporter = new Reporter(fleets, new Servers(servers), watch, out, o.reportEverySeconds);
                out.printf("== running %s: %,d sessions over %d worker(s) (logs %s)%n", scenario, sessions,
                        workers.size(), logs);
                Run run = new Run(scenario, o, out, fleets, new Servers(servers), cluster, watch, ingress, members,
                        guilds, readyTimeoutSeconds(sessions) * 1000L);
                code |= body(sessions).run(run);
                printTotals(fleets.sample());
                reporter.close();
                reporter = null;
                fleets.close();
                fleets = null;
            }
        } finally {
            if (reporter != null) {
                reporter.close();
            }
            if (fleets != null) {
                fleets.close();
            }
            if (watch != null) {
                watch.close();
            }
            if (cluster != null) {
                cluster.close();
                printLogWarnings(cluster);
            }
        }
        return code;
    }

    private ScenarioBody body(int sessions) {
        boolean single = !o.cluster;
        return switch (scenario) {
            case "idle" -> new IdleScenario(o.holdSeconds > 0 ? o.holdSeconds : single ? 60 : 300);
            case "storm" -> new StormScenario();
            case "fanout" -> new FanoutScenario(o.rates != null ? o.rates : sessions < 5_000 ? List.of(1.0, 50.0)
                    : List.of(1.0), o.phaseSeconds, o.startRate > 0 ? o.startRate : 20_000.0 / sessions,
                    o.stepFactor, o.stepSeconds, o.maxSteps, o.p99LimitMs > 0 ? o.p99LimitMs : single ? 50 : 100,
                    o.minDeliveryRatio, o.warmupSeconds, single && !o.attach);
            case "guilds" -> new GuildsScenario(o.perGuildRate, o.durationSeconds, o.warmupSeconds);
            case "kill" -> new KillScenario(o.holdSeconds > 0 ? o.holdSeconds : 120, o.killAtSeconds, o.killNode,
                    o.departShare);
            default -> throw new IllegalStateException(scenario);
        };
    }

    private int readyTimeoutSeconds(int sessions) {
        return o.readyTimeoutSeconds > 0 ? o.readyTimeoutSeconds : defaultReadyTimeoutSeconds(sessions, o.cluster);
    }

    /**
     * How long every session may take to be READY: a minute, and 4 ms a session on one node (it takes ~1.1 ms), 10 ms
     * in a cluster, whose nodes share these 2 cores (150-220 READY/s at 200,000 sessions on 16 nodes; at 4 ms the
     * idle hold of attempt 6 began with 130,667 of them READY).
     */
    static int defaultReadyTimeoutSeconds(int sessions, boolean cluster) {
        return sessions / (cluster ? 100 : 250) + 60;
    }

    /** The whole run's bound: starting, connecting and identifying, the scenario's own time, stopping. */
    private int boundSeconds(int sessions) {
        int setup = readyTimeoutSeconds(sessions);
        int own = switch (scenario) {
            case "idle" -> o.holdSeconds > 0 ? o.holdSeconds : o.cluster ? 300 : 60;
            case "storm" -> setup + (o.rounds - 1) * (2 * setup + 30);
            case "fanout" -> o.warmupSeconds + (o.rates == null ? 2 : o.rates.size()) * (o.phaseSeconds + 3)
                    + o.maxSteps * o.stepSeconds + 30;
            case "guilds" -> o.warmupSeconds + o.durationSeconds + 30;
            case "kill" -> o.holdSeconds > 0 ? o.holdSeconds : 120;
            default -> 0;
        };
        return 300 + 2 * setup + own;
    }

    private Path prepare(int sessions, int guilds) throws Exception {
        Path dir = o.data.resolve(sessions + "-users-" + guilds + "-guilds").toAbsolutePath();
        Path tokens = dir.resolve("tokens.tsv");
        if (Files.exists(tokens)) {
            return tokens;
        }
        out.printf("== preparing %,d users in %,d guild(s) in %s (once)%n", sessions, guilds, dir);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        PrepareCommand prepare = new PrepareCommand();
        prepare.url = "jdbc:h2:file:" + dir.resolve("db");
        prepare.user = "sa";
        prepare.password = "";
        prepare.migrate = true;
        prepare.users = sessions;
        prepare.guilds = guilds;
        prepare.batch = 1000;
        prepare.out = dir.resolve("tokens.tsv.partial");
        if (prepare.call() != 0) {
            throw new IllegalStateException("prepare failed");
        }
        Files.move(prepare.out, tokens, StandardCopyOption.ATOMIC_MOVE);
        return tokens;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private BenchCluster.Settings settings(Plan plan, Path dataDir, Path logs) throws IOException {
        Path logback = logs.resolve("node-logback.xml");
        try (InputStream in = ScenarioCommand.class.getResourceAsStream("/bench-node-logback.xml")) {
            Files.copy(in, logback, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            jvm.add("--sun-misc-unsafe-memory-access=allow");
        }
        jvm.add("-XX:TrimNativeHeapInterval=10000");
        jvm.add("-Dlogback.configurationFile=" + logback);
        // Reruns against the same prepared users must not meet Discord's 1,000 session starts a day.
        jvm.add("-Dderailed.sessions.session-start-limit.total=1000000");
        // The generator's connections come from a few loopback addresses: the edge's per-address bound on connections
        // not identified yet (256) would answer most of a storm 503 at accept.
        jvm.add("-Dderailed.websocket.max-unidentified-per-address=20000");
        if (scenario.equals("storm")) {
            // A storm holds every socket at HELLO until all have connected (100 s for 200,000 at 2,000/s): the 30 s
            // identify timeout would close the first ones (4003) before the storm begins.
            jvm.add("-Dderailed.websocket.identify-timeout=" + readyTimeoutSeconds(plan.sessions()) + "s");
        }
        jvm.addAll(ClusterSettings.forBench(plan));
        jvm.addAll(o.serverOpts);
        List<String> core = new ArrayList<>(o.coreOpts);
        List<String> edge = new ArrayList<>(ClusterSettings.forEdges());
        edge.addAll(o.edgeOpts);
        String db = "jdbc:h2:file:" + dataDir.resolve("db") + (plan.isCluster()
                ? ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE" : "");
        return new BenchCluster.Settings(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                o.appJar.toAbsolutePath(), jvm, core, edge, db, logs, pidFile(logs));
    }

    /**
     * Waits for the nodes to settle: right after start-up their JIT compilers keep both cores busy (16 nodes took
     * 143 % of a core at 200,000 before any session), and a storm on top of that starves the cluster's heartbeats.
     */
    private void settle(Servers servers) throws InterruptedException {
        if (o.settleCpuPercent <= 0) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + o.settleSeconds * 1_000_000_000L;
        double percent;
        do {
            long before = servers.cpuNanos();
            long at = System.nanoTime();
            Run.hold(5);
            percent = (servers.cpuNanos() - before) * 100.0 / (System.nanoTime() - at);
        } while (percent > o.settleCpuPercent && System.nanoTime() < deadline);
        out.printf("== nodes %s after %.0f s: %.0f %% of a core over the last 5 s (at most %d %% asked)%n",
                percent <= o.settleCpuPercent ? "settled" : "still busy", (System.nanoTime() - started) / 1e9,
                percent, o.settleCpuPercent);
    }

    private List<RemoteFleet> startWorkers(List<WorkerSpec> workers, Path tokens, List<String> endpoints, Path logs,
                                           int guildCount, int sources, boolean cluster) throws Exception {
        // One at a time, as the nodes: at 200,000 sessions 14 generator JVMs starting together (JIT, their share of the
        // tokens) starved the cluster's heartbeats on 2 cores and cost it 442 membership changes before any READY.
        ExecutorService starting = Executors.newSingleThreadExecutor();
        try {
            List<Future<RemoteFleet>> futures = new ArrayList<>();
            for (WorkerSpec worker : workers) {
                List<String> command = workerCommand(worker, tokens, endpoints, workers.size(), guildCount, sources,
                        cluster);
                futures.add(starting.submit(() -> new RemoteFleet(worker.name(), command,
                        logs.resolve(worker.name() + ".log"))));
            }
            List<RemoteFleet> fleets = new ArrayList<>();
            for (Future<RemoteFleet> f : futures) {
                try {
                    RemoteFleet fleet = f.get(180, TimeUnit.SECONDS);
                    fleets.add(fleet);
                    Files.writeString(pidFile(logs), fleet.pid() + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (Exception e) {
                    futures.forEach(other -> other.cancel(true));
                    throw e;
                }
            }
            return fleets;
        } finally {
            starting.shutdownNow();
        }
    }

    private List<String> workerCommand(WorkerSpec worker, Path tokens, List<String> endpoints, int workerCount,
                                       int guildCount, int sources, boolean cluster) {
        List<String> command = new ArrayList<>();
        int nice = o.workerNice >= 0 ? o.workerNice : cluster ? 10 : 0;
        if (nice > 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(nice)));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + worker.heapMib() + "m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath(), LoadGenerator.class.getName(), "worker",
                "--tokens", tokens.toString(), "--from", Integer.toString(worker.from()),
                "-n", Integer.toString(worker.count()), "--sources", Integer.toString(sources),
                "--threads", Integer.toString(worker.threads() > 0 ? worker.threads()
                        : Runtime.getRuntime().availableProcessors()),
                "--connect-rate", Integer.toString(share(o.connectRate, workerCount)),
                "--max-pending-connects", Integer.toString(Math.max(10, o.maxPendingConnects / workerCount)),
                "--identify-rate", Integer.toString(share(o.identifyRate, workerCount)),
                "--max-pending-identifies", Integer.toString(Math.max(10, maxPendingIdentifies() / workerCount)),
                "--compress", o.compress, "--intents", Integer.toString(o.intents), "--event", o.event,
                "--read-batch-micros", Integer.toString(o.readBatchMicros),
                "--ready-target-ms", Integer.toString(o.readyTargetMillis)));
        List<String> order = new ArrayList<>();
        for (int e : worker.edges()) {
            order.add(endpoints.get(e % endpoints.size()));
        }
        command.add("--endpoints");
        command.add(String.join(",", order));
        if (scenario.equals("kill")) {
            command.add("--reconnect");
            command.add("--depart-share");
            command.add(Double.toString(o.departShare));
            if (worker.edges().get(0) == 0) {
                command.add("--observers");
                command.add(Integer.toString(Math.min(guildCount, worker.count())));
            }
        }
        return command;
    }

    /** This process's class path, as bench/derailed-bench gives it (the jar and lib/*) when it can be. */
    private static String classPath() {
        String path = System.getProperty("java.class.path");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (entry.endsWith("derailed-bench.jar")) {
                Path jar = Path.of(entry).toAbsolutePath();
                return jar + java.io.File.pathSeparator + jar.resolveSibling("lib") + "/*";
            }
        }
        return path;
    }

    private Path pidFile(Path logs) {
        return o.pidFile != null ? o.pidFile : logs.resolve("pids");
    }

    private int maxPendingIdentifies() {
        return o.maxPendingIdentifies > 0 ? o.maxPendingIdentifies : scenario.equals("storm") ? 1000 : 200;
    }

    private static int share(int total, int parts) {
        return total <= 0 ? 0 : Math.max(1, total / parts);
    }

    private void printCommands(Plan plan, int guilds) {
        try {
            Path logs = o.data.resolve("logs").resolve("dry-run");
            BenchCluster.Settings settings = new BenchCluster.Settings(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), o.appJar.toAbsolutePath(),
                    List.of("..."), List.of(), List.of(), "jdbc:h2:file:...", logs, logs.resolve("pids"));
            BenchCluster sketch = new BenchCluster(plan, settings);
            List<String> node = new ArrayList<>(sketch.command(plan.nodes().get(0)));
            out.println("node       " + String.join(" ", node).replace(" ... ", " " + String.join(" ",
                    nodeFlagsPreview(plan)) + " "));
            out.println("worker     " + String.join(" ", workerCommand(plan.workers().get(0),
                    o.data.resolve(plan.sessions() + "-users-" + guilds + "-guilds/tokens.tsv"),
                    plan.edgeNodes().stream().map(n -> "127.0.0.1:" + n.httpPort()).toList(), plan.workers().size(),
                    guilds, plan.sources(), plan.isCluster())));
        } catch (RuntimeException e) {
            out.println("(commands: " + e.getMessage() + ")");
        }
    }

    private List<String> nodeFlagsPreview(Plan plan) {
        List<String> flags = new ArrayList<>(List.of("-XX:+UseG1GC", "-XX:TrimNativeHeapInterval=10000",
                "-Dderailed.sessions.session-start-limit.total=1000000",
                "-Dderailed.websocket.max-unidentified-per-address=20000"));
        flags.addAll(ClusterSettings.forBench(plan));
        flags.addAll(o.serverOpts);
        return flags;
    }

    private void printTotals(FleetSample s) {
        out.println();
        out.println("== totals (" + scenario + ") ==");
        out.printf("sessions: %d connects, %d failed, %d handshakes, %d HELLO, %d IDENTIFY, %d READY, %d RESUMED;"
                        + " reconnects %d%n", s.get(Counter.CONNECTS_STARTED), s.get(Counter.CONNECT_FAILURES),
                s.get(Counter.HANDSHAKES), s.get(Counter.HELLOS), s.get(Counter.IDENTIFIES), s.get(Counter.READIES),
                s.get(Counter.RESUMES), s.get(Counter.RECONNECTS));
        out.printf("frames in %d (%d bytes on the wire, %d of JSON); deliveries %d; other dispatches %d%n",
                s.get(Counter.FRAMES_IN), s.get(Counter.WIRE_BYTES_IN), s.get(Counter.JSON_BYTES_IN),
                s.get(Counter.DELIVERIES), s.get(Counter.OTHER_DISPATCHES));
        out.printf("heartbeats: %d sent, %d acked, %d missed acks, %d server requests; op 7: %d, op 9: %d%n",
                s.get(Counter.HEARTBEATS_SENT), s.get(Counter.HEARTBEAT_ACKS), s.get(Counter.MISSED_ACKS),
                s.get(Counter.HEARTBEAT_REQUESTS), s.get(Counter.RECONNECT_REQUESTS), s.get(Counter.INVALID_SESSIONS));
        out.printf("generator late by %d s or more (its own starvation): %d HELLOs read, %d heartbeats sent%n",
                BenchSession.LATE_NANOS / 1_000_000_000L, s.get(Counter.LATE_HELLOS), s.get(Counter.LATE_HEARTBEATS));
        out.printf("server closes: %s; dropped without close frame: %d; decode failures: %d; sequence gaps: %d%n",
                s.closes(), s.get(Counter.DROPS), s.get(Counter.DECODE_FAILURES), s.get(Counter.SEQUENCE_GAPS));
        if (!s.errors().isEmpty()) {
            out.printf("client-side anomalies: %s%n", s.errors());
        }
        out.flush();
    }

    private void printLogWarnings(BenchCluster cluster) {
        for (NodeProcess node : cluster.nodes()) {
            long warnings = 0;
            try (var lines = Files.lines(node.log())) {
                warnings = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                warnings = -1;
            }
            out.printf("%s log %s: %d WARN/ERROR line(s)%n", node.name(), node.log(), warnings);
        }
    }

    private void startWatchdog(int seconds) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            out.println("watchdog: the run passed its bound of " + seconds + " s; stopping everything");
            out.flush();
            System.exit(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
