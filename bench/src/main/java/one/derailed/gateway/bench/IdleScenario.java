package one.derailed.gateway.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** idle: N identified sessions held for T seconds; the server's heap and RSS per session. */
@Command(name = "idle", mixinStandardHelpOptions = true,
        description = "Open N sessions, identify them all, hold them idle (heartbeats only) for --hold seconds;"
                + " report the server's heap (after GC, via jcmd) and RSS per session (needs --server-pid).")
final class IdleScenario extends Scenario {
    @Option(names = "--hold", defaultValue = "30", description = "Seconds to hold the sessions. Default: ${DEFAULT-VALUE}.")
    int holdSeconds;

    @Option(names = "--gc", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run a full GC in the server (jcmd GC.run) before each heap reading. Default: on.")
    boolean gc;

    @Override
    String name() {
        return "idle";
    }

    @Override
    int body() throws Exception {
        ServerProbe.Snapshot before = probe.snapshot(gc);
        long clientBefore = ServerProbe.ownHeapAfterGc();
        out.printf("server before: heap used%s %s, rss %s%n", gc ? " after GC" : "", ServerProbe.mib(before.heapUsed()),
                ServerProbe.mib(before.rss()));
        boolean all = connectAndIdentify();
        out.printf("holding %d sessions for %d s%n", fleet.ready(), holdSeconds);
        hold(holdSeconds);
        int held = fleet.ready();
        ServerProbe.Snapshot after = probe.snapshot(gc);
        long clientAfter = ServerProbe.ownHeapAfterGc();
        out.println();
        out.println("== result (idle) ==");
        out.printf("sessions held: %d READY at the end of the hold (of %d)%n", held, fleet.size());
        out.printf("server heap used%s: %s -> %s, per session %s%n", gc ? " after GC" : "",
                ServerProbe.mib(before.heapUsed()), ServerProbe.mib(after.heapUsed()),
                perSession(before.heapUsed(), after.heapUsed(), held));
        out.printf("server rss: %s -> %s, per session %s%n", ServerProbe.mib(before.rss()),
                ServerProbe.mib(after.rss()), perSession(before.rss(), after.rss(), held));
        out.printf("generator heap after GC: %s -> %s, per session %s%n", ServerProbe.mib(clientBefore),
                ServerProbe.mib(clientAfter), perSession(clientBefore, clientAfter, held));
        java.util.Map<String, Double> metrics = probe.metrics();
        if (metrics != null) {
            out.printf("server /metrics at the end of the hold: %s%n", ServerProbe.summary(metrics, 20));
        }
        return all ? 0 : 1;
    }

    private static String perSession(long before, long after, int sessions) {
        if (before < 0 || after < 0 || sessions <= 0) {
            return "?";
        }
        return String.format("%.2f KiB", (after - before) / 1024.0 / sessions);
    }
}
