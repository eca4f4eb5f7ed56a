package one.derailed.gateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code derailed-bench run SCENARIO}: what to start (one node, or a cluster of edge and core nodes),
 * how the load generator paces itself, and each scenario's own settings. A number left at 0 (or unset) takes the
 * scenario's default, printed with the plan.
 */
final class ScenarioOptions {
    // What to run against
    @Option(names = "--cluster", description = "Start a cluster: edge nodes (websocket,sessions; at most"
            + " --max-sessions-per-edge each) and core nodes (guilds,users,ready,grpc). Without it: one node with"
            + " every role.")
    boolean cluster;

    @Option(names = "--sessions", defaultValue = "0", description = "Sessions (default: the scenario's).")
    int sessions;

    @Option(names = "--scale", defaultValue = "0", description = "Multiply the default sessions by F (e.g. 0.01).")
    double scale;

    @Option(names = "--guild-size", defaultValue = "-1",
            description = "Sessions per guild (0: all in one guild; default: the scenario's).")
    int guildSize;

    @Option(names = "--edges", defaultValue = "0", description = "Edge nodes (default: sessions / 15,000, rounded up).")
    int edges;

    @Option(names = "--core-nodes", defaultValue = "0", description = "Core nodes (default: 1, 2 above 50,000 sessions).")
    int coreNodes;

    @Option(names = "--max-sessions-per-edge", defaultValue = "0",
            description = "Sessions one edge node may hold (default: 15,000, within the open files limit).")
    int maxSessionsPerEdge;

    @Option(names = "--workers", defaultValue = "0",
            description = "Load generator processes (default: one per edge node, or sessions / 15,000).")
    int workers;

    @Option(names = "--threads", defaultValue = "0", description = "Event loops per worker (default: one per core).")
    int threads;

    @Option(names = "--compress", defaultValue = "none", description = "none, zlib-stream or zstd-stream.")
    String compress;

    @Option(names = "--node-heap", defaultValue = "0", description = "-Xmx of a single node, MiB (default: planned).")
    long nodeHeapMib;

    @Option(names = "--edge-heap", defaultValue = "0", description = "-Xmx of each edge node, MiB (default: planned).")
    long edgeHeapMib;

    @Option(names = "--core-heap", defaultValue = "0", description = "-Xmx of each core node, MiB (default: planned).")
    long coreHeapMib;

    @Option(names = "--worker-heap", defaultValue = "0", description = "-Xmx of each worker, MiB (default: planned).")
    long workerHeapMib;

    @Option(names = "--server-opt", description = "A JVM option for every node, e.g. -Dderailed.ready.workers=4"
            + " (repeatable).")
    List<String> serverOpts = new ArrayList<>();

    @Option(names = "--edge-opt", description = "A JVM option for edge nodes only (repeatable).")
    List<String> edgeOpts = new ArrayList<>();

    @Option(names = "--core-opt", description = "A JVM option for core nodes only (repeatable).")
    List<String> coreOpts = new ArrayList<>();

    @Option(names = "--port-base", defaultValue = "18100",
            description = "First port: node j uses P+10j (HTTP/WebSocket), +1 (gRPC), +2 (cluster).")
    int portBase;

    @Option(names = "--app-jar", defaultValue = "app/target/derailed-app.jar", description = "The gateway jar.")
    Path appJar;

    @Option(names = "--data", defaultValue = "data/bench",
            description = "Where prepared databases and run logs go. Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--floor", description = "The fanout_floor binary to run before a fan-out (bench/scenario builds"
            + " it from ../shared/limits/fanout_floor.c).")
    Path floor;

    @Option(names = "--pid-file", description = "Append the pid of every process started here to this file (the"
            + " script around the run kills what a crashed run left). Default: pids in the run's log directory.")
    Path pidFile;

    @Option(names = "--dry-run", description = "Print the plan and stop.")
    boolean dryRun;

    // An already running gateway instead
    @Option(names = "--attach", description = "Measure an already running gateway (--port, --grpc-port, --tokens,"
            + " --server-pid) instead of starting one.")
    boolean attach;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "With --attach: the gateway's host.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "With --attach: its WebSocket/HTTP port.")
    int port;

    @Option(names = "--grpc-port", defaultValue = "50051", description = "With --attach: its gRPC port.")
    int grpcPort;

    @Option(names = "--operator-port", defaultValue = "9090",
            description = "With --attach: its operator port (/metrics).")
    int operatorPort;

    @Option(names = "--grpc-token", description = "Bearer token for the gRPC ingress, when it asks for one.")
    String grpcToken;

    @Option(names = "--server-pid", defaultValue = "0", description = "With --attach: its process id.")
    long serverPid;

    @Option(names = "--tokens", description = "With --attach: the tokens file (`prepare` writes one).")
    Path tokens;

    // Pacing, all workers together
    @Option(names = "--connect-rate", defaultValue = "2000", description = "New connections per second, in all.")
    int connectRate;

    @Option(names = "--max-pending-connects", defaultValue = "500", description = "Connects awaiting HELLO, in all.")
    int maxPendingConnects;

    @Option(names = "--identify-rate", defaultValue = "0", description = "IDENTIFYs per second in all (0: unpaced).")
    int identifyRate;

    @Option(names = "--max-pending-identifies", defaultValue = "0",
            description = "IDENTIFYs awaiting READY at once, in all (default: 1,000 in a storm, where the point is"
                    + " the most the gateway takes; 200 elsewhere, where identifying only sets the scene).")
    int maxPendingIdentifies;

    @Option(names = "--ready-target-ms", defaultValue = "2500",
            description = "Workers: IDENTIFY to READY to aim at; while READY comes later, fewer IDENTIFYs wait at once"
                    + " (0: always --max-pending-identifies).")
    int readyTargetMillis;

    @Option(names = "--read-batch-micros", defaultValue = "1000",
            description = "Workers: after a wake-up that found ready sockets, let this much pass before looking again"
                    + " (0: read at once, as fanout_floor's reader). Latencies use the kernel's receive stamps.")
    int readBatchMicros;

    @Option(names = "--intents", defaultValue = "513", description = "IDENTIFY intents (513 = GUILDS | GUILD_MESSAGES).")
    int intents;

    @Option(names = "--event", defaultValue = "MESSAGE_CREATE", description = "The event published and timed.")
    String event;

    @Option(names = "--ready-timeout", defaultValue = "0",
            description = "Seconds for every session to be READY (default: sessions / 250 + 60; in a cluster,"
                    + " sessions / 100 + 60).")
    int readyTimeoutSeconds;

    @Option(names = "--settle-cpu", defaultValue = "50",
            description = "A cluster: before the workers start, wait until the nodes together use at most this share"
                    + " of one core, in percent, over 5 s (JIT and start-up done; 0: do not wait).")
    int settleCpuPercent;

    @Option(names = "--settle-seconds", defaultValue = "180", description = "The longest that wait may take.")
    int settleSeconds;

    @Option(names = "--worker-nice", defaultValue = "-1",
            description = "The niceness the load generator processes run at (default: 10 with a cluster, so that on"
                    + " one machine they yield the CPU to its nodes, which would have machines of their own: at 0 a"
                    + " 200,000 storm's nodes missed their cluster heartbeats and were all downed; 0 with one"
                    + " node, whose fan-out figures are read beside fanout_floor's, which runs at 0).")
    int workerNice;

    @Option(names = "--report-every", defaultValue = "5", description = "Seconds between progress reports.")
    int reportEverySeconds;

    @Option(names = "--max-seconds", defaultValue = "0",
            description = "Hard limit on the whole run; past it everything is stopped (default: planned).")
    int maxSeconds;

    @picocli.CommandLine.Mixin
    Options.Publishing publishing;

    // storm
    @Option(names = "--rounds", defaultValue = "1",
            description = "storm: storms of the same sessions one after another against the same nodes, each with new"
                    + " worker processes; the first meets cold JVMs, the later ones JIT-compiled code and live user"
                    + " entities (a reconnect storm onto a warm node).")
    int rounds;

    // idle and kill
    @Option(names = "--hold", defaultValue = "0",
            description = "idle/kill: seconds to hold the sessions (default: 60 on one node, 300 in a cluster; kill"
                    + " 120).")
    int holdSeconds;

    @Option(names = "--kill-at", defaultValue = "20", description = "kill: seconds into the hold to SIGKILL the node.")
    int killAtSeconds;

    @Option(names = "--kill-node", defaultValue = "2", description = "kill: which edge node (1-based; not the first).")
    int killNode;

    @Option(names = "--depart-share", defaultValue = "0.1",
            description = "kill: the share of the killed node's sessions that do not come back.")
    double departShare;

    // fan-out
    @Option(names = "--rates", split = ",",
            description = "fanout: fixed publish rates measured first, each for --phase-seconds (default: 1,50"
                    + " below 5,000 sessions, else 1).")
    List<Double> rates;

    @Option(names = "--phase-seconds", defaultValue = "30", description = "fanout: seconds per fixed rate.")
    int phaseSeconds;

    @Option(names = "--start-rate", defaultValue = "0",
            description = "fanout: the first stepped rate, publishes/s (default: 20,000 deliveries/s).")
    double startRate;

    @Option(names = "--step-factor", defaultValue = "1.25", description = "fanout: rate multiplier per step.")
    double stepFactor;

    @Option(names = "--step-seconds", defaultValue = "10", description = "fanout: seconds per step.")
    int stepSeconds;

    @Option(names = "--max-steps", defaultValue = "16", description = "fanout: most steps (0: none).")
    int maxSteps;

    @Option(names = "--p99-limit-ms", defaultValue = "0",
            description = "fanout: the p99 a step must stay under (default: 50 ms on one node, 100 ms in a cluster).")
    double p99LimitMs;

    @Option(names = "--min-delivery-ratio", defaultValue = "0.95",
            description = "fanout: share of the expected deliveries a step must receive.")
    double minDeliveryRatio;

    @Option(names = "--warmup-seconds", defaultValue = "10", description = "fanout/guilds: seconds not counted first.")
    int warmupSeconds;

    // many guilds
    @Option(names = "--per-guild-rate", defaultValue = "1", description = "guilds: publishes per guild per second.")
    double perGuildRate;

    @Option(names = "--duration", defaultValue = "60", description = "guilds: seconds of publishing.")
    int durationSeconds;
}
