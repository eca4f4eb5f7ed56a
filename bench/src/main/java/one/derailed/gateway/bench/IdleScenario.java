package one.derailed.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * idle: every session identifies and is held (heartbeats only); the servers' heap after a full GC and RSS per
 * session, per node that holds sessions; every session still live at the end, and (in a cluster) no membership
 * change throughout.
 */
final class IdleScenario implements ScenarioBody {
    private final int holdSeconds;

    IdleScenario(int holdSeconds) {
        this.holdSeconds = holdSeconds;
    }

    @Override
    public int run(Run run) throws Exception {
        List<Servers.Server> nodes = run.servers.edges().isEmpty() ? run.servers.all() : run.servers.edges();
        List<ServerProbe.Snapshot> before = new ArrayList<>();
        for (Servers.Server node : nodes) {
            before.add(node.probe().snapshot(true));
        }
        boolean all = run.connectAndIdentify();
        run.out.printf("holding %d sessions for %d s%n", run.fleets.latest().get(Counter.READY_NOW), holdSeconds);
        Run.hold(holdSeconds);
        FleetSample end = run.fleets.sample();
        long held = end.get(Counter.READY_NOW);
        run.out.println();
        run.out.println("== result (idle) ==");
        run.out.printf("sessions live at the end of the hold: %d READY of %d; dropped %d, closed by the server %s%n",
                held, run.fleets.size(), end.get(Counter.DROPS), end.closes());
        printMemory(run, nodes, before);
        int changes = run.printMembershipChanges();
        boolean live = held == run.fleets.size() && end.get(Counter.DROPS) == 0;
        run.out.printf("verdict: %s, %s%s%n", all ? "every session identified" : "NOT every session identified",
                live ? "every session live at the end" : "NOT every session live at the end",
                run.watch == null ? "" : changes == 0 ? ", no membership change" : ", MEMBERSHIP CHANGED");
        return all && live && changes == 0 ? 0 : 1;
    }

    /** Heap after a full GC and RSS per session, now against {@code before}, for each of {@code nodes}. */
    static void printMemory(Run run, List<Servers.Server> nodes, List<ServerProbe.Snapshot> before) {
        // Built first and printed at once: the readings take a while, and progress reports come in between.
        StringBuilder table = new StringBuilder("| node | sessions (/metrics) | heap after GC before -> after"
                + " | heap per session | RSS before -> after | RSS per session (growth) | RSS / sessions |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < nodes.size(); i++) {
            Servers.Server node = nodes.get(i);
            ServerProbe.Snapshot after = node.probe().snapshot(true);
            Map<String, Double> metrics = node.probe().metrics();
            double sessions = Servers.family(metrics == null ? List.of() : List.of(metrics), "derailed_sessions");
            long count = sessions >= 0 ? (long) sessions : node.plannedSessions();
            table.append(String.format("| %s | %,d | %s -> %s | %s | %s -> %s | %s | %s |%n", node.name(), count,
                    ServerProbe.mib(before.get(i).heapUsed()), ServerProbe.mib(after.heapUsed()),
                    perSession(before.get(i).heapUsed(), after.heapUsed(), count), ServerProbe.mib(before.get(i).rss()),
                    ServerProbe.mib(after.rss()), perSession(before.get(i).rss(), after.rss(), count),
                    perSession(0, after.rss(), count)));
        }
        run.out.print(table);
        run.out.flush();
    }

    static String perSession(long before, long after, long sessions) {
        if (before < 0 || after < 0 || sessions <= 0) {
            return "?";
        }
        return String.format("%.2f KiB", (after - before) / 1024.0 / sessions);
    }
}
