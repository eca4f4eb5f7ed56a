package one.derailed.gateway.bench.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Plan sizes a bench run to the machine before anything starts: the gateway nodes (one with every role, or K edge
 * nodes with roles websocket,sessions and M core nodes with guilds,users,ready,grpc), the load generator's worker
 * processes, each process's heap and open files, and the memory all of it should take. {@link #problems()} says why
 * it does not fit; the run refuses to start then. The per-session figures are the ones measured so far
 * (docs/benchmarks.md); the margins leave the collectors room.
 */
public final class Plan {
    /** Sockets per process this machine allows at most (20,000 open files, less the JVM's own and some room). */
    public static final int MAX_SESSIONS_PER_PROCESS = 15_000;
    /** Open files a JVM uses besides its sockets (jars, epoll, pipes, the database, cluster connections). */
    static final int JVM_FILES = 1_000;
    /** Room above a node's planned sessions: an edge node's share of a killed node's sessions. */
    static final int RECONNECT_ROOM = 3_000;
    private static final int SESSIONS_PER_SOURCE = 25_000;
    private static final long COORDINATOR_RSS_MIB = 300;
    private static final long KERNEL_KIB_PER_SOCKET = 4;
    private static final long MEMORY_MARGIN_MIB = 1024;

    private final String scenario;
    private final int sessions;
    private final int guilds;
    private final String compress;
    private final List<NodeSpec> nodes;
    private final List<WorkerSpec> workers;
    private final int sources;
    private final Machine machine;
    private final long boundSeconds;
    private final List<String> problems = new ArrayList<>();

    /** What the run asks for; zeros mean "choose", and {@code edges} -1 means one node with every role. */
    public record Request(String scenario, int sessions, int guilds, int edges, int coreNodes, int workers,
                          int threadsPerWorker, int maxSessionsPerEdge, String compress, long nodeHeapMib,
                          long edgeHeapMib, long coreHeapMib, long workerHeapMib, int portBase, long boundSeconds) {
    }

    public Plan(Request request, Machine machine) {
        this.scenario = request.scenario();
        this.sessions = request.sessions();
        this.guilds = request.guilds();
        this.compress = request.compress();
        this.machine = machine;
        this.boundSeconds = request.boundSeconds();
        boolean compressed = !request.compress().equals("none");
        int perProcess = (int) Math.min(MAX_SESSIONS_PER_PROCESS,
                Math.max(1_000, Math.min(Integer.MAX_VALUE, machine.hardOpenFiles()) - JVM_FILES - RECONNECT_ROOM));
        this.nodes = new ArrayList<>();
        int port = request.portBase();
        if (request.edges() < 0) {
            long heap = request.nodeHeapMib() > 0 ? request.nodeHeapMib()
                    : Math.min(8192, 1024 + (long) sessions * 24 / 1024);
            long rss = 300 + (long) sessions * (compressed ? 180 : 28) / 1024;
            nodes.add(new NodeSpec("node1", List.of("websocket", "sessions", "guilds", "users", "ready", "grpc"),
                    port, port + 1, port + 2, sessions, heap, Math.min(rss, heap + 400 + sessions * 30L / 1024),
                    sessions + JVM_FILES + 3_000));
            if (sessions + JVM_FILES > machine.hardOpenFiles()) {
                problems.add("one node with " + sessions + " sessions needs " + (sessions + JVM_FILES)
                        + " open files; the hard limit is " + machine.hardOpenFiles()
                        + ": use edge nodes (--edges K) or fewer sessions");
            }
        } else {
            int maxPerEdge = request.maxSessionsPerEdge() > 0 ? request.maxSessionsPerEdge() : perProcess;
            int edges = Math.max(request.edges(), (sessions + maxPerEdge - 1) / maxPerEdge);
            int cores = request.coreNodes() > 0 ? request.coreNodes() : (sessions > 50_000 ? 2 : 1);
            long perCore = (sessions + cores - 1) / cores;
            for (int c = 0; c < cores; c++) {
                long heap = request.coreHeapMib() > 0 ? request.coreHeapMib() : Math.min(8192, 512 + perCore * 8 / 1024);
                nodes.add(new NodeSpec("core" + (c + 1), List.of("guilds", "users", "ready", "grpc"), port, port + 1,
                        port + 2, 0, heap, Math.min(heap + 250, 250 + perCore * 10 / 1024), 2 * JVM_FILES));
                port += 10;
            }
            for (int e = 0; e < edges; e++) {
                int share = sessions / edges + (e < sessions % edges ? 1 : 0);
                long heap = request.edgeHeapMib() > 0 ? request.edgeHeapMib()
                        : Math.min(4096, 256 + (long) share * 24 / 1024);
                long rss = 200 + (long) share * (compressed ? 180 : 25) / 1024;
                nodes.add(new NodeSpec("edge" + (e + 1), List.of("websocket", "sessions"), port, 0, port + 2, share,
                        heap, Math.min(rss, heap + 300 + share * 30L / 1024), share + JVM_FILES + RECONNECT_ROOM));
                port += 10;
            }
            if (sessions / edges > perProcess) {
                problems.add(sessions / edges + " sessions per edge node is more than " + perProcess
                        + " (open files hard limit " + machine.hardOpenFiles() + "): more edge nodes (--edges)");
            }
        }
        this.workers = planWorkers(request, perProcess);
        // ~28,000 ephemeral ports per source address and destination; one destination may get every session.
        this.sources = sessions / SESSIONS_PER_SOURCE + 1;
        check(compressed);
    }

    private List<WorkerSpec> planWorkers(Request request, int perProcess) {
        List<WorkerSpec> planned = new ArrayList<>();
        List<NodeSpec> edges = edgeNodes();
        int count;
        if (request.workers() > 0) {
            count = request.workers();
        } else if (edges.size() > 1) {
            count = edges.size();
        } else {
            count = (sessions + perProcess - 1) / perProcess;
        }
        int threads = request.threadsPerWorker() > 0 ? request.threadsPerWorker() : machine.cpus();
        int from = 0;
        for (int w = 0; w < count; w++) {
            int share = sessions / count + (w < sessions % count ? 1 : 0);
            List<Integer> order = new ArrayList<>();
            for (int e = 0; e < edges.size(); e++) {
                order.add((w + e) % edges.size());
            }
            long heap = request.workerHeapMib() > 0 ? request.workerHeapMib() : 128 + (long) share * 4 / 1024;
            planned.add(new WorkerSpec("worker" + (w + 1), from, share, order, threads, heap,
                    Math.min(heap + 100, 100 + (long) share * 3 / 1024 + (request.compress().equals("none") ? 0
                            : share * 100L / 1024)), share + JVM_FILES));
            from += share;
        }
        for (WorkerSpec worker : planned) {
            if (worker.count() + JVM_FILES > machine.hardOpenFiles()) {
                problems.add(worker.name() + " would hold " + worker.count() + " sockets; the open files hard limit is "
                        + machine.hardOpenFiles() + ": more workers (--workers)");
            }
        }
        return planned;
    }

    private void check(boolean compressed) {
        long expected = expectedMib();
        if (expected + MEMORY_MARGIN_MIB > machine.memAvailableMib()) {
            problems.add("~" + expected + " MiB expected (+" + MEMORY_MARGIN_MIB + " MiB margin), "
                    + machine.memAvailableMib() + " MiB available" + (compressed
                    ? " (a compressed session holds ~150-200 KiB of zlib/zstd context on the server)" : ""));
        }
        long heaps = nodes.stream().mapToLong(NodeSpec::heapMib).sum()
                + workers.stream().mapToLong(WorkerSpec::heapMib).sum();
        if (heaps > machine.memTotalMib()) {
            problems.add("the heaps add up to " + heaps + " MiB, more than the machine's " + machine.memTotalMib()
                    + " MiB");
        }
        int perSource = machine.ephemeralPorts() - 2_000;
        if (sessions / Math.max(1, edgeNodes().size()) / sources > perSource) {
            problems.add("more sessions per source address and edge node than ephemeral ports");
        }
    }

    /** Expected resident memory of every process and the kernel's sockets, in MiB. */
    public long expectedMib() {
        return nodes.stream().mapToLong(NodeSpec::expectedRssMib).sum()
                + workers.stream().mapToLong(WorkerSpec::expectedRssMib).sum() + COORDINATOR_RSS_MIB
                + (long) sessions * 2 * KERNEL_KIB_PER_SOCKET / 1024;
    }

    public List<String> problems() {
        return problems;
    }

    public List<NodeSpec> nodes() {
        return nodes;
    }

    public List<NodeSpec> edgeNodes() {
        return nodes.stream().filter(NodeSpec::isEdge).toList();
    }

    public List<NodeSpec> grpcNodes() {
        return nodes.stream().filter(NodeSpec::hasGrpc).toList();
    }

    public List<WorkerSpec> workers() {
        return workers;
    }

    public int sources() {
        return sources;
    }

    public int sessions() {
        return sessions;
    }

    public boolean isCluster() {
        return nodes.size() > 1;
    }

    public void print(PrintStream out) {
        out.printf("== plan: %s, %,d sessions in %,d guild(s), compress %s%n", scenario, sessions, guilds, compress);
        out.printf("machine    %d CPUs (%s), %,d MiB (%,d MiB available), %s, load %s%n", machine.cpus(),
                machine.cpuModel(), machine.memTotalMib(), machine.memAvailableMib(), machine.kernel(),
                machine.load());
        out.printf("limits     open files soft %s hard %s per process, ephemeral ports %d-%d, somaxconn %d%n",
                limit(machine.softOpenFiles()), limit(machine.hardOpenFiles()), machine.portLow(), machine.portHigh(),
                machine.somaxconn());
        out.println("| process | roles | sessions | heap -Xmx | open files | expected RSS | ports (http/grpc/cluster) |");
        out.println("|---|---|---|---|---|---|---|");
        for (NodeSpec n : nodes) {
            out.printf("| %s | %s | %,d | %,d MiB | %,d | %,d MiB | %d/%s/%d |%n", n.name(), n.rolesArgument(),
                    n.sessions(), n.heapMib(), n.openFiles(), n.expectedRssMib(), n.httpPort(),
                    n.hasGrpc() ? Integer.toString(n.grpcPort()) : "-", n.clusterPort());
        }
        for (WorkerSpec w : workers) {
            out.printf("| %s | load generator, %d loop(s), to %s | %,d | %,d MiB | %,d | %,d MiB | |%n", w.name(),
                    w.threads(), edgesText(w), w.count(), w.heapMib(), w.openFiles(), w.expectedRssMib());
        }
        out.printf("| coordinator | publisher, probes | | | | %,d MiB | |%n", COORDINATOR_RSS_MIB);
        out.printf("total      %d processes on %d cores; expected memory ~%,d MiB (with ~%,d MiB of kernel socket"
                        + " memory), %,d MiB available; %d source address(es) 127.0.0.1..%d; bound %d min%n",
                nodes.size() + workers.size() + 1, machine.cpus(), expectedMib(),
                (long) sessions * 2 * KERNEL_KIB_PER_SOCKET / 1024, machine.memAvailableMib(), sources, sources,
                (boundSeconds + 59) / 60);
        for (String p : problems) {
            out.println("DOES NOT FIT: " + p);
        }
    }

    private String edgesText(WorkerSpec w) {
        List<NodeSpec> edges = edgeNodes();
        if (edges.isEmpty()) {
            return nodes.get(0).name();
        }
        return edges.size() > 1 ? "all " + edges.size() + " edge nodes, spread (" + edges.get(w.edges().get(0)).name()
                + " first; another on a reconnect)" : edges.get(0).name();
    }

    private static String limit(long value) {
        return value == Long.MAX_VALUE ? "unlimited" : Long.toString(value);
    }
}
