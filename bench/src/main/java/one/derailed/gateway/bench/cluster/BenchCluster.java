package one.derailed.gateway.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BenchCluster is the gateway nodes of one bench run, on loopback: it starts them as the {@link Plan} says (the core
 * nodes first, the first of them the seed, which also opens the database first and so serves it to the others
 * through H2's AUTO_SERVER; then every edge node at once), waits (bounded) until each one's {@code /readyz} answers,
 * and stops them all at the end: SIGTERM, then SIGKILL for what is still running after {@link #STOP_MILLIS}.
 * Every pid goes into a file as it starts, so the script around the run can kill what a crashed run left.
 */
public final class BenchCluster implements AutoCloseable {
    private static final long CORE_START_MILLIS = 180_000;
    private static final long EDGE_START_MILLIS_BASE = 90_000;
    private static final long EDGE_START_MILLIS_PER_NODE = 10_000;
    private static final long STOP_MILLIS = 30_000;

    /** How nodes are started: the JVM, the gateway jar, flags for every node and per kind of node, the database. */
    public record Settings(String java, Path appJar, List<String> jvmFlags, List<String> coreFlags,
                           List<String> edgeFlags, String dbUrl, Path logDir, Path pidFile) {
    }

    private final Plan plan;
    private final Settings settings;
    private final List<NodeProcess> nodes = new ArrayList<>();

    public BenchCluster(Plan plan, Settings settings) {
        this.plan = plan;
        this.settings = settings;
    }

    public List<NodeProcess> nodes() {
        return nodes;
    }

    public List<NodeProcess> edges() {
        return nodes.stream().filter(n -> n.spec().isEdge()).toList();
    }

    /** The command line of {@code spec}, for the plan and the log. */
    public List<String> command(NodeSpec spec) {
        List<String> command = new ArrayList<>();
        command.add(settings.java());
        command.add("-Xmx" + spec.heapMib() + "m");
        command.add("-Xlog:gc:file=" + settings.logDir().resolve(spec.name() + "-gc.log"));
        command.addAll(settings.jvmFlags());
        command.addAll(spec.isEdge() && plan.isCluster() ? settings.edgeFlags() : settings.coreFlags());
        command.add("-jar");
        command.add(settings.appJar().toString());
        command.add("run");
        command.add("--roles");
        command.add(spec.rolesArgument());
        return command;
    }

    private Map<String, String> environment(NodeSpec spec) {
        Map<String, String> env = new HashMap<>();
        env.put("DERAILED_WS_PORT", Integer.toString(spec.httpPort()));
        env.put("DERAILED_GRPC_PORT", Integer.toString(spec.hasGrpc() ? spec.grpcPort() : spec.httpPort() + 1));
        env.put("DERAILED_CLUSTER_PORT", Integer.toString(spec.clusterPort()));
        env.put("DERAILED_OPERATOR_PORT", Integer.toString(spec.operatorPort()));
        env.put("DERAILED_DB_URL", settings.dbUrl());
        env.put("DERAILED_SEED_DEMO", "false");
        env.put("DERAILED_PUBLIC_URL", "ws://127.0.0.1:" + spec.httpPort());
        NodeSpec seed = plan.nodes().get(0);
        if (plan.isCluster()) {
            env.put("DERAILED_SEED_NODES", "127.0.0.1:" + seed.clusterPort());
        }
        return env;
    }

    /** Starts every node and waits until all are ready; throws (after stopping them) when one is not in time. */
    public void start(PrintStream out) throws IOException, InterruptedException {
        List<NodeSpec> specs = plan.nodes();
        List<NodeSpec> first = specs.stream().filter(s -> !s.isEdge() || !plan.isCluster()).toList();
        List<NodeSpec> then = specs.stream().filter(s -> s.isEdge() && plan.isCluster()).toList();
        startAll(first.subList(0, 1), out);
        awaitReady(CORE_START_MILLIS, out);
        // One at a time: sixteen JVMs starting at once on 2 cores starve each other's heartbeats, and the cluster
        // marked nodes unreachable and downed one before any session came (the first 200,000-session run).
        List<NodeSpec> rest = new java.util.ArrayList<>(first.subList(1, first.size()));
        rest.addAll(then);
        for (NodeSpec spec : rest) {
            startAll(List.of(spec), out);
            awaitReady(EDGE_START_MILLIS_BASE + EDGE_START_MILLIS_PER_NODE, out);
        }
    }

    private void startAll(List<NodeSpec> specs, PrintStream out) throws IOException {
        for (NodeSpec spec : specs) {
            NodeProcess node = new NodeProcess(spec, settings.logDir().resolve(spec.name() + ".log"));
            node.start(command(spec), environment(spec));
            nodes.add(node);
            Files.writeString(settings.pidFile(), node.pid() + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            out.printf("started %s (pid %d, roles %s, http %d, log %s)%n", spec.name(), node.pid(),
                    spec.rolesArgument(), spec.httpPort(), node.log());
        }
    }

    private void awaitReady(long timeoutMillis, PrintStream out) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long start = System.currentTimeMillis();
        for (NodeProcess node : nodes) {
            while (!node.ready()) {
                if (!node.isAlive()) {
                    throw new IllegalStateException(node.name() + " exited while starting; see " + node.log());
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(node.name() + " is not ready after " + timeoutMillis / 1000
                            + " s; see " + node.log());
                }
                Thread.sleep(250);
            }
        }
        out.printf("%d node(s) ready (/readyz) after %.1f s%n", nodes.size(),
                (System.currentTimeMillis() - start) / 1000.0);
    }

    /** Stops the edge nodes, then the others: SIGTERM, and SIGKILL after {@link #STOP_MILLIS}. */
    @Override
    public void close() {
        stop(edges());
        stop(nodes);
    }

    private static void stop(List<NodeProcess> group) {
        for (NodeProcess node : group) {
            if (node.isAlive()) {
                node.terminate();
            }
        }
        long deadline = System.currentTimeMillis() + STOP_MILLIS;
        for (NodeProcess node : group) {
            if (!node.awaitExit(Math.max(0, deadline - System.currentTimeMillis()))) {
                System.err.println(node.name() + " did not stop in " + STOP_MILLIS / 1000 + " s: killed");
                node.kill();
                node.awaitExit(5_000);
            }
        }
    }
}
