package one.derailed.gateway.bench;

import java.util.List;
import java.util.Map;
import one.derailed.gateway.bench.cluster.MembershipWatch;
import one.derailed.gateway.bench.cluster.NodeProcess;

/**
 * kill: the idle run with one edge node SIGKILLed part way. Its sessions' clients reconnect to the other edge nodes
 * and RESUME (identifying anew after op 9), except a share that stays away; observer sessions (GUILD_PRESENCES, one
 * per guild on the first edge node) see those users go offline. Reported: how long until the sessions are back, the
 * cluster's steps from the survivors' logs (unreachable, downed, removed, guilds dropping the node's sessions), the
 * offline updates the guilds sent, and every membership change that was not about the killed node.
 */
final class KillScenario implements ScenarioBody {
    private final int holdSeconds;
    private final int killAtSeconds;
    private final int killNode;
    private final double departShare;

    KillScenario(int holdSeconds, int killAtSeconds, int killNode, double departShare) {
        this.holdSeconds = holdSeconds;
        this.killAtSeconds = killAtSeconds;
        this.killNode = killNode;
        this.departShare = departShare;
    }

    @Override
    public int run(Run run) throws Exception {
        if (run.cluster == null || run.cluster.edges().size() < 2) {
            throw new IllegalArgumentException("kill needs a cluster with at least 2 edge nodes (--cluster)");
        }
        List<NodeProcess> edges = run.cluster.edges();
        if (killNode < 2 || killNode > edges.size()) {
            throw new IllegalArgumentException("--kill-node must be 2.." + edges.size() + " (edge 1 holds the observers)");
        }
        NodeProcess victim = edges.get(killNode - 1);
        boolean all = run.connectAndIdentify();
        Run.hold(killAtSeconds);
        Map<String, Double> victimMetrics = new ServerProbe(victim.pid(), victim.metricsUrl()).metrics();
        double onVictim = Servers.family(victimMetrics == null ? List.of() : List.of(victimMetrics),
                "derailed_sessions");
        FleetSample before = run.fleets.sample();
        long killMillis = System.currentTimeMillis();
        long killNanos = System.nanoTime();
        victim.kill();
        run.out.printf("killed %s (pid %d, %.0f sessions) with SIGKILL at %s%n", victim.name(), victim.pid(), onVictim,
                java.time.LocalTime.now());
        Run.Span span = run.begin();
        long returning = Math.round(onVictim * (1 - departShare));
        run.fleets.await(s -> s.get(Counter.RECOVERED) - before.get(Counter.RECOVERED) >= returning,
                Math.max(1, holdSeconds - killAtSeconds) * 1000L, 500);
        double recoveredAfter = (System.nanoTime() - killNanos) / 1e9;
        Run.hold(Math.max(0, holdSeconds - killAtSeconds - recoveredAfter));
        run.end(span);
        FleetSample end = span.tally.end;
        run.out.println();
        run.out.println("== result (kill) ==");
        run.out.printf("%s held %.0f sessions; %.0f%% were to come back (--depart-share %.2f)%n", victim.name(),
                onVictim, (1 - departShare) * 100, departShare);
        run.out.printf("back: %d of %d expected (RESUMED %d, identified anew after op 9: %d), reconnects %d;"
                        + " socket lost -> READY/RESUMED %s%n", end.get(Counter.RECOVERED) - before.get(Counter.RECOVERED),
                returning, span.tally.delta(Counter.RESUMES), span.tally.delta(Counter.INVALID_SESSIONS),
                span.tally.delta(Counter.RECONNECTS), Stats.latency(span.tally.recovery));
        run.out.printf("sessions READY at the end: %d of %d (the departed do not count); dropped sockets %d (the"
                        + " killed node's), closed by the server %s, sequence gaps %d%n", end.get(Counter.READY_NOW),
                run.fleets.size(), span.tally.delta(Counter.DROPS), end.closes(), end.get(Counter.SEQUENCE_GAPS));
        long firstOffline = end.get(Counter.FIRST_OFFLINE_NANOS);
        long lastOffline = end.get(Counter.LAST_OFFLINE_NANOS);
        run.out.printf("offline seen by the guilds' observers: %d update(s)%s%n",
                span.tally.delta(Counter.OFFLINE_SEEN), firstOffline > killNanos
                        ? String.format(", first %.1f s and last %.1f s after the kill", (firstOffline - killNanos) / 1e9,
                        (lastOffline - killNanos) / 1e9) : "");
        MembershipWatch watch = run.watch;
        for (String kind : List.of("unreachable", "downing decision", "down", "removed",
                "guild dropped a node's sessions", "user lost a node's sessions")) {
            MembershipWatch.Event first = watch.first(kind, killMillis - 1000);
            MembershipWatch.Event last = watch.last(kind, killMillis - 1000);
            run.out.printf("  %-32s %s%n", kind + ":", first == null ? "not seen"
                    : String.format("first %.1f s after the kill (%s)%s", (first.millis() - killMillis) / 1000.0,
                    first.node(), last == first ? "" : String.format(", last %.1f s (%s)",
                            (last.millis() - killMillis) / 1000.0, last.node())));
        }
        String victimAddress = "127.0.0.1:" + victim.spec().clusterPort();
        long unrelated = watch.membershipChanges().stream()
                .filter(e -> !e.line().contains(victimAddress) && !e.node().equals(victim.name())).count();
        run.printMembershipChanges();
        run.out.printf("verdict: %d membership change(s) not about %s%n", unrelated, victim.name());
        return all && unrelated == 0 ? 0 : 1;
    }
}
