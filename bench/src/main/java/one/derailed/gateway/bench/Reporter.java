package one.derailed.gateway.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.bench.cluster.MembershipWatch;

/**
 * Reporter samples the fleets every few seconds (which also feeds the open tallies) and prints one progress report:
 * sessions, latencies, rates, the servers' and the generator's CPU (and what each costs per delivery), and the
 * cluster's membership changes so far.
 */
final class Reporter implements AutoCloseable {
    private final Fleets fleets;
    private final Servers servers;
    private final MembershipWatch watch;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private FleetSample last;
    private Fleets.Tally current;
    private long lastNanos = startNanos;
    private long lastServerCpu;
    private long lastServerWait;
    private boolean metricsAbsenceSaid;

    Reporter(Fleets fleets, Servers servers, MembershipWatch watch, PrintStream out, int everySeconds) {
        this.fleets = fleets;
        this.servers = servers;
        this.watch = watch;
        this.out = out;
        this.current = fleets.begin();
        this.last = current.start;
        this.lastServerCpu = servers.cpuNanos();
        this.lastServerWait = servers.runQueueWaitNanos();
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
        if (timer.isShutdown()) {
            // close() ran while this waited for the lock (its interrupt would fail the fleets' sample).
            return;
        }
        try {
            Fleets.Tally interval = current;
            current = fleets.next(interval);
            FleetSample now = interval.end;
            long nanos = System.nanoTime();
            double seconds = (nanos - lastNanos) / 1e9;
            long serverCpu = servers.cpuNanos();
            long serverWait = servers.runQueueWaitNanos();
            long deliveries = now.get(Counter.DELIVERIES) - last.get(Counter.DELIVERIES);
            StringBuilder line = new StringBuilder(String.format("[%6.1fs] sessions %d started, %d hello, %d ready,"
                            + " %d closed | READY %.0f/s %s", elapsedSeconds(), now.get(Counter.STARTED_NOW),
                    now.get(Counter.HELLOED_NOW), now.get(Counter.READY_NOW), now.get(Counter.CLOSED_NOW),
                    (now.get(Counter.READIES) - last.get(Counter.READIES)) / seconds, Stats.latency(interval.ready)));
            line.append(String.format("%n          deliveries %.0f/s %s | in %.2f MB/s | publish rpc %s",
                    deliveries / seconds, Stats.latency(interval.delivery),
                    (now.get(Counter.WIRE_BYTES_IN) - last.get(Counter.WIRE_BYTES_IN)) / seconds / 1e6,
                    Stats.latency(interval.publish)));
            long loops = now.get(Counter.LOOP_CPU_NANOS) - last.get(Counter.LOOP_CPU_NANOS);
            long process = now.get(Counter.PROCESS_CPU_NANOS) - last.get(Counter.PROCESS_CPU_NANOS);
            line.append(String.format("%n          cpu (100%% = one core): servers %s (run-queue wait %s), generator"
                            + " loops %.0f%%, processes %.0f%%%s | load %s",
                    percent(serverCpu, lastServerCpu, seconds), percent(serverWait, lastServerWait, seconds),
                    loops / seconds / 1e7, process / seconds / 1e7,
                    deliveries > 0 ? String.format(" | per delivery: servers %s, generator loops %.2f µs",
                            perDelivery(serverCpu - lastServerCpu, deliveries), loops / 1e3 / deliveries) : "",
                    ServerProbe.loadAverage()));
            if (!now.closes().isEmpty()) {
                line.append(" | closes ").append(now.closes());
            }
            if (!now.errors().isEmpty()) {
                line.append(" | errors ").append(now.errors());
            }
            List<Map<String, Double>> metrics = servers.metrics();
            if (metrics.stream().anyMatch(m -> m != null)) {
                line.append(String.format("%n          /metrics (all nodes): sessions %.0f, sockets %.0f,"
                                + " delivered %.0f, guild publishes %.0f, relay messages %.0f",
                        Servers.family(metrics, "derailed_sessions"), Servers.family(metrics, "derailed_sockets"),
                        Servers.family(metrics, "derailed_events_delivered_total"),
                        Servers.family(metrics, "derailed_guild_publishes_total"),
                        Servers.family(metrics, "derailed_guild_relay_messages_total")));
            } else if (!metricsAbsenceSaid) {
                metricsAbsenceSaid = true;
                line.append(String.format("%n          /metrics absent: going on without it"));
            }
            if (watch != null) {
                List<MembershipWatch.Event> changes = watch.changes();
                // one reading for both counts, so they add up
                List<MembershipWatch.Event> membership = changes.stream().filter(e -> !e.fromEntity()).toList();
                line.append(String.format("%n          cluster: %d membership change(s) since it formed%s%s",
                        membership.size(), membership.isEmpty() ? ""
                                : " (last: " + membership.get(membership.size() - 1).node() + " "
                                + membership.get(membership.size() - 1).kind() + ")",
                        changes.size() == membership.size() ? ""
                                : "; the entities' \"a node left\" lines: " + (changes.size() - membership.size())));
            }
            last = now;
            lastNanos = nanos;
            lastServerCpu = serverCpu;
            lastServerWait = serverWait;
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

    /** CPU nanoseconds per delivery as microseconds ("12.3 µs"), or "?". */
    static String perDelivery(long cpuNanos, long deliveries) {
        return cpuNanos < 0 || deliveries <= 0 ? "?" : String.format("%.2f µs", cpuNanos / 1e3 / deliveries);
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        fleets.end(current);
    }
}
