package one.derailed.gateway.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Reporter prints one progress report every few seconds: sessions, latencies, rates, server and client figures. */
final class Reporter implements AutoCloseable {
    private final Stats stats;
    private final Fleet fleet;
    private final ServerProbe probe;
    private final boolean readMetrics;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private long lastNanos = startNanos;
    private long lastDeliveries;
    private long lastWire;
    private long lastJson;
    private long lastPublishes;
    private long lastReadies;
    private long lastServerCpu;
    private long lastOwnCpu;
    private long lastServerWait;
    private long lastOwnWait;
    private boolean metricsAbsenceSaid;

    Reporter(Stats stats, Fleet fleet, ServerProbe probe, boolean readMetrics, PrintStream out, int everySeconds) {
        this.stats = stats;
        this.fleet = fleet;
        this.probe = probe;
        this.readMetrics = readMetrics;
        this.out = out;
        this.lastServerCpu = probe.cpuNanos();
        this.lastOwnCpu = ServerProbe.ownCpuNanos();
        this.lastServerWait = probe.runQueueWaitNanos();
        this.lastOwnWait = ServerProbe.ownRunQueueWaitNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-reporter");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::report, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private synchronized void report() {
        try {
            long now = System.nanoTime();
            double seconds = (now - lastNanos) / 1e9;
            lastNanos = now;
            Stats.Interval interval = stats.sample();
            long deliveries = stats.deliveries.sum();
            long wire = stats.wireBytesIn.sum();
            long json = stats.jsonBytesIn.sum();
            long publishes = stats.publishes.sum();
            long readies = stats.readies.sum();
            long serverCpu = probe.cpuNanos();
            long ownCpu = ServerProbe.ownCpuNanos();
            long serverWait = probe.runQueueWaitNanos();
            long ownWait = ServerProbe.ownRunQueueWaitNanos();
            StringBuilder line = new StringBuilder(String.format("[%6.1fs] sessions %d started, %d hello, %d ready,"
                            + " %d closed | READY %.0f/s %s", elapsedSeconds(), fleet.started(), fleet.helloed(),
                    fleet.ready(), fleet.closedCount(), (readies - lastReadies) / seconds,
                    Stats.latency(interval.ready())));
            line.append(String.format("%n          deliveries %.0f/s %s | in %.2f MB/s wire, %.2f MB/s json"
                            + " | publishes %.0f/s, rpc %s", (deliveries - lastDeliveries) / seconds,
                    Stats.latency(interval.delivery()), (wire - lastWire) / seconds / 1e6,
                    (json - lastJson) / seconds / 1e6, (publishes - lastPublishes) / seconds,
                    Stats.latency(interval.publish())));
            line.append(String.format("%n          server cpu %s, run-queue wait %s, rss %s | generator cpu %.0f%%,"
                            + " run-queue wait %s | load %s",
                    percent(serverCpu, lastServerCpu, seconds), percent(serverWait, lastServerWait, seconds),
                    ServerProbe.mib(probe.rss()), (ownCpu - lastOwnCpu) / seconds / 1e7,
                    percent(ownWait, lastOwnWait, seconds), ServerProbe.loadAverage()));
            if (!stats.closeCodes.isEmpty()) {
                line.append(" | closes ").append(Stats.counts(stats.closeCodes));
            }
            if (!stats.errors.isEmpty()) {
                line.append(" | errors ").append(Stats.counts(stats.errors));
            }
            if (readMetrics) {
                Map<String, Double> metrics = probe.metrics();
                if (metrics != null) {
                    line.append(String.format("%n          /metrics: %s", ServerProbe.summary(metrics, 12)));
                } else if (!metricsAbsenceSaid) {
                    metricsAbsenceSaid = true;
                    line.append(String.format("%n          /metrics absent (%s): going on without it",
                            probe.metricsProblem()));
                }
            }
            lastDeliveries = deliveries;
            lastWire = wire;
            lastJson = json;
            lastPublishes = publishes;
            lastReadies = readies;
            lastServerCpu = serverCpu;
            lastOwnCpu = ownCpu;
            lastServerWait = serverWait;
            lastOwnWait = ownWait;
            out.println(line);
            out.flush();
        } catch (RuntimeException e) {
            out.println("reporter failed: " + e);
        }
    }

    /** A per-second share of one core ("37%"), or "?" when either reading is missing. */
    static String percent(long now, long before, double seconds) {
        return now < 0 || before < 0 ? "?" : String.format("%.0f%%", Math.max(0, now - before) / seconds / 1e7);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
