package one.derailed.gateway.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.bench.cluster.BenchCluster;
import one.derailed.gateway.bench.cluster.MembershipWatch;

/**
 * Run is what a scenario works with once everything is up: the fleets, the servers (and the cluster and its
 * membership watch when the bench started one), where to publish, who is in which guild, and spans to measure.
 */
final class Run {
    final String scenario;
    final ScenarioOptions options;
    final PrintStream out;
    final Fleets fleets;
    final Servers servers;
    final BenchCluster cluster;
    final MembershipWatch watch;
    final List<String> ingress;
    final Map<Long, Integer> members;
    final List<Long> guilds;
    final long readyTimeoutMillis;

    /** A measured span: the fleets' tally, and the servers' and this process's CPU at both ends. */
    static final class Span {
        final Fleets.Tally tally;
        final long serverCpuStart;
        final long serverWaitStart;
        final long ownCpuStart;
        long serverCpu = -1;
        long serverWait = -1;
        long ownCpu;

        private Span(Fleets.Tally tally, long serverCpu, long serverWait, long ownCpu) {
            this.tally = tally;
            this.serverCpuStart = serverCpu;
            this.serverWaitStart = serverWait;
            this.ownCpuStart = ownCpu;
        }

        long deliveries() {
            return tally.delta(Counter.DELIVERIES);
        }

        double seconds() {
            return tally.seconds();
        }

        /** CPU as a share of one core over the span ("37%"). */
        String serverPercent() {
            return serverCpuStart < 0 || serverCpu < 0 ? "?"
                    : String.format("%.0f%%", (serverCpu - serverCpuStart) / seconds() / 1e7);
        }

        String serverWaitPercent() {
            return serverWaitStart < 0 || serverWait < 0 ? "?"
                    : String.format("%.0f%%", Math.max(0, serverWait - serverWaitStart) / seconds() / 1e7);
        }

        String generatorPercent() {
            return String.format("%.0f%% (loops %.0f%%)", tally.delta(Counter.PROCESS_CPU_NANOS) / seconds() / 1e7,
                    tally.delta(Counter.LOOP_CPU_NANOS) / seconds() / 1e7);
        }

        String serverPerDelivery() {
            return serverCpuStart < 0 || serverCpu < 0 ? "?" : Reporter.perDelivery(serverCpu - serverCpuStart,
                    deliveries());
        }

        /** The generator's CPU per delivery: its loops, and its whole processes (user + system). */
        String generatorPerDelivery() {
            long d = deliveries();
            if (d <= 0) {
                return "?";
            }
            return String.format("loops %.2f µs, processes %.2f µs (user %.2f, system %.2f)",
                    tally.delta(Counter.LOOP_CPU_NANOS) / 1e3 / d, tally.delta(Counter.PROCESS_CPU_NANOS) / 1e3 / d,
                    tally.delta(Counter.PROCESS_USER_NANOS) / 1e3 / d,
                    tally.delta(Counter.PROCESS_SYSTEM_NANOS) / 1e3 / d);
        }

        /** The publisher's (this process's) CPU over the span, as a share of one core. */
        String publisherPercent() {
            return String.format("%.0f%%", (ownCpu - ownCpuStart) / seconds() / 1e7);
        }
    }

    Run(String scenario, ScenarioOptions options, PrintStream out, Fleets fleets, Servers servers,
        BenchCluster cluster, MembershipWatch watch, List<String> ingress, Map<Long, Integer> members,
        List<Long> guilds, long readyTimeoutMillis) {
        this.scenario = scenario;
        this.options = options;
        this.out = out;
        this.fleets = fleets;
        this.servers = servers;
        this.cluster = cluster;
        this.watch = watch;
        this.ingress = ingress;
        this.members = members;
        this.guilds = guilds;
        this.readyTimeoutMillis = readyTimeoutMillis;
    }

    Span begin() {
        return new Span(fleets.begin(), servers.cpuNanos(), servers.runQueueWaitNanos(), Fleet.processCpuNanos());
    }

    Span end(Span span) {
        fleets.end(span.tally);
        span.serverCpu = servers.cpuNanos();
        span.serverWait = servers.runQueueWaitNanos();
        span.ownCpu = Fleet.processCpuNanos();
        return span;
    }

    /** A publisher whose events a guild's members should all get, as far as they are READY right now. */
    Publisher publisher() {
        return new Publisher(ingress, options.grpcToken, options.publishing, options.event, fleets, guild -> {
            double ready = (double) fleets.latest().get(Counter.READY_NOW) / Math.max(1, fleets.size());
            return (int) Math.round(members.getOrDefault(guild, 0) * Math.min(1.0, ready));
        });
    }

    /** Connects and identifies every session; prints how it went; whether all are READY. */
    boolean connectAndIdentify() throws InterruptedException {
        fleets.start(true);
        boolean all = fleets.awaitReady(readyTimeoutMillis);
        FleetSample s = fleets.latest();
        double seconds = (s.get(Counter.LAST_READY_NANOS) - s.get(Counter.FIRST_IDENTIFY_NANOS)) / 1e9;
        out.printf("%s: %d of %d sessions READY (%.0f READY/s from the first IDENTIFY to the last READY)%n",
                all ? "all ready" : "NOT all ready", s.get(Counter.READY_NOW), fleets.size(),
                seconds > 0 ? s.get(Counter.READY_NOW) / seconds : 0.0);
        return all;
    }

    /** The membership changes since the cluster formed, one line each, and how many. */
    int printMembershipChanges() {
        if (watch == null) {
            return 0;
        }
        List<MembershipWatch.Event> changes = watch.changes();
        long[] late = watch.lateHeartbeats();
        out.printf("cluster membership changes since it formed (and the entities' \"a node left\" lines): %d;"
                + " late-heartbeat warnings: %d (longest interval %d ms); /readyz probes unanswered in 2 s: %d%n",
                changes.size(), late[0], late[1], watch.unansweredProbes());
        Map<String, Integer> entityLines = new java.util.TreeMap<>();
        int membership = 0;
        for (MembershipWatch.Event e : changes) {
            if (e.fromEntity()) {
                entityLines.merge(e.node() + " " + e.kind(), 1, Integer::sum);
                continue;
            }
            membership++;
            out.printf("  %s %s: %s%n", e.node(), e.kind(), e.line().length() > 220 ? e.line().substring(0, 220)
                    + " ..." : e.line());
        }
        entityLines.forEach((what, n) -> out.printf("  %s: %d line(s)%n", what, n));
        return membership;
    }

    /** Sleeps {@code seconds}, in slices so the watchdog and interrupts stay effective. */
    static void hold(double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }
}
