package one.derailed.gateway.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Scenario is what every load scenario shares: it reads the tokens, opens the fleet, prints progress every few
 * seconds, runs {@link #body()}, closes every session and prints the totals. A watchdog ends the process when the
 * run passes {@code --max-seconds}, whatever it is doing.
 */
abstract class Scenario implements Callable<Integer> {
    @Mixin
    Options.Target target;

    @Mixin
    Options.Fleet fleetOptions;

    @Mixin
    Options.Server serverOptions;

    protected final PrintStream out = System.out;
    protected Stats stats;
    protected Fleet fleet;
    protected ServerProbe probe;
    protected Reporter reporter;

    abstract String name();

    /** The scenario itself; returns the exit code. */
    abstract int body() throws Exception;

    @Override
    public final Integer call() throws Exception {
        target.check();
        startWatchdog(serverOptions.maxSeconds);
        List<Account> accounts = Account.read(fleetOptions.tokens, fleetOptions.sessions);
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException(fleetOptions.tokens + " holds no tokens");
        }
        stats = new Stats();
        String metricsUrl = serverOptions.noMetrics ? null : serverOptions.metricsUrl != null
                ? serverOptions.metricsUrl : "http://" + target.host + ":" + target.port + "/metrics";
        probe = new ServerProbe(serverOptions.pid, metricsUrl);
        fleet = new Fleet(target, fleetOptions, stats, accounts);
        out.printf("derailed-bench %s: %d sessions to ws://%s:%d%s from %d source address(es), %s transport,"
                        + " %d event loop thread(s); connect %s/s, identify %s/s; intents %d%n", name(), fleet.size(),
                target.host, target.port, fleetOptions.query(), fleetOptions.sources,
                fleet.epoll() ? "epoll" : "NIO", fleetOptions.threads, rate(fleetOptions.connectRate),
                rate(fleetOptions.identifyRate), fleetOptions.intents);
        out.printf("generator JVM: %s %s, %d cores, max heap %s%n", System.getProperty("java.vm.name"),
                Runtime.version(), Runtime.getRuntime().availableProcessors(),
                ServerProbe.mib(Runtime.getRuntime().maxMemory()));
        int code;
        reporter = new Reporter(stats, fleet, probe, metricsUrl != null, out, serverOptions.reportEverySeconds);
        try {
            code = body();
        } finally {
            reporter.close();
            fleet.close();
            printTotals();
        }
        return code;
    }

    private static String rate(int perSecond) {
        return perSecond <= 0 ? "unlimited" : Integer.toString(perSecond);
    }

    /** Waits for every session to be READY and prints how it went; false when some never were. */
    protected boolean connectAndIdentify() throws InterruptedException {
        fleet.start(true);
        boolean all = fleet.awaitReady(fleetOptions.readyTimeoutSeconds * 1000L);
        double seconds = (fleet.lastReadyNanos() - fleet.firstIdentifyNanos()) / 1e9;
        out.printf("%s: %d of %d sessions READY (%.1f READY/s from the first IDENTIFY to the last READY)%n",
                all ? "all ready" : "NOT all ready", fleet.ready(), fleet.size(),
                seconds > 0 ? fleet.ready() / seconds : 0.0);
        return all;
    }

    protected void printTotals() {
        Stats.Phase totals = stats.totals();
        out.println();
        out.println("== totals (" + name() + ") ==");
        out.printf("sessions: %d connects started, %d failed, %d handshakes, %d HELLO, %d IDENTIFY, %d READY%n",
                stats.connectsStarted.sum(), stats.connectFailures.sum(), stats.handshakes.sum(), stats.hellos.sum(),
                stats.identifies.sum(), stats.readies.sum());
        out.printf("connection setup:%n  %s%n", stats.connectLatencies());
        out.printf("IDENTIFY->READY: %s%n", Stats.latency(totals.ready()));
        out.printf("publish->receive: %s%n", Stats.latency(totals.delivery()));
        out.printf("publish rpc: %s%n", Stats.latency(totals.publish()));
        out.printf("deliveries: %d received of %d expected; other dispatches %d; frames in %d; bytes in %d wire,"
                        + " %d json%n", stats.deliveries.sum(), stats.expectedDeliveries.sum(),
                stats.otherDispatches.sum(), stats.framesIn.sum(), stats.wireBytesIn.sum(), stats.jsonBytesIn.sum());
        out.printf("publishes: %d ok, %d failed %s, %d skipped (publisher at its in-flight bound)%n",
                stats.publishes.sum(), stats.publishFailures.sum(), Stats.counts(stats.publishErrors),
                stats.publishesSkipped.sum());
        out.printf("heartbeats: %d sent, %d acked, %d missed acks, %d server requests; op 7: %d, op 9: %d%n",
                stats.heartbeatsSent.sum(), stats.heartbeatAcks.sum(), stats.missedAcks.sum(),
                stats.heartbeatRequests.sum(), stats.reconnects.sum(), stats.invalidSessions.sum());
        out.printf("server closes (before the end): %s; dropped without close frame: %d; decode failures: %d%n",
                Stats.counts(stats.closeCodes), stats.drops.sum(), stats.decodeFailures.sum());
        if (!stats.closeReasons.isEmpty()) {
            out.printf("close reasons: %s%n", Stats.counts(stats.closeReasons));
        }
        if (!stats.errors.isEmpty()) {
            out.printf("client-side anomalies: %s%n", Stats.counts(stats.errors));
        }
        out.flush();
    }

    private void startWatchdog(int maxSeconds) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(maxSeconds * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            out.println("watchdog: the run passed --max-seconds " + maxSeconds + "; stopping now");
            if (stats != null) {
                printTotals();
            }
            out.flush();
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Sleeps {@code seconds}, in slices so the watchdog and interrupts stay effective. */
    protected static void hold(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }
}
