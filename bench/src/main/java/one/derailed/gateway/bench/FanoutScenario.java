package one.derailed.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * fan-out: every session in one guild. On one node (issue 14) the sessions first connect and all identify at once
 * (READY per second) and their idle heap and RSS are read. Then each fixed rate (at rest: 1 publish/s) for a while: the publish RPC's
 * latency apart from publish to receive, and per publish how long until the last session had it. Then the rate goes
 * up step by step until p99 publish to receive passes the limit (or deliveries fall behind): the highest deliveries
 * per second sustained under it. Every row says what the servers and the generator spent per delivery, and in a
 * cluster how many relay messages each publish took (from the nodes' /metrics).
 */
final class FanoutScenario implements ScenarioBody {
    private static final double DRAIN_SECONDS = 2;
    /** How long a phase's backlog may take to drain before the next phase starts anyway. */
    private static final long BACKLOG_MILLIS = 120_000;
    /** A backlog counts as drained once no delivery arrived for this long, even if some never come. */
    private static final long BACKLOG_QUIET_NANOS = 3_000_000_000L;
    /** After the storm, long enough for every session's first heartbeat to acknowledge READY and GUILD_CREATE. */
    private static final int IDLE_SETTLE_SECONDS = 45;

    private final List<Double> rates;
    private final int phaseSeconds;
    private final double startRate;
    private final double stepFactor;
    private final int stepSeconds;
    private final int maxSteps;
    private final double p99LimitMs;
    private final double minDeliveryRatio;
    private final int warmupSeconds;
    private final boolean stormFirst;

    private record Row(String name, double rate, double publishesPerSecond, double deliveriesPerSecond,
                       double ratio, Run.Span span, Histogram lastDelivery, double relayPerPublish, boolean ok) {}

    FanoutScenario(List<Double> rates, int phaseSeconds, double startRate, double stepFactor, int stepSeconds,
                   int maxSteps, double p99LimitMs, double minDeliveryRatio, int warmupSeconds, boolean stormFirst) {
        this.rates = rates;
        this.phaseSeconds = phaseSeconds;
        this.startRate = startRate;
        this.stepFactor = stepFactor;
        this.stepSeconds = stepSeconds;
        this.maxSteps = maxSteps;
        this.p99LimitMs = p99LimitMs;
        this.minDeliveryRatio = minDeliveryRatio;
        this.warmupSeconds = warmupSeconds;
        this.stormFirst = stormFirst;
    }

    @Override
    public int run(Run run) throws Exception {
        boolean all = stormFirst ? stormAndIdle(run) : run.connectAndIdentify();
        long guild = run.members.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalArgumentException("the tokens file names no guild"));
        int receivers = run.members.get(guild);
        run.out.printf("fan-out to guild %d: %d sessions receive each publish%n", guild, receivers);
        List<Row> rows = new ArrayList<>();
        Row best = null;
        try (Publisher publisher = run.publisher()) {
            if (warmupSeconds > 0) {
                double warm = rates.isEmpty() ? startRate : rates.get(0);
                run.out.printf("warming up: %.1f publishes/s for %d s (not counted)%n", warm, warmupSeconds);
                publisher.run(List.of(guild), warm, warmupSeconds * 1_000_000_000L);
                awaitBacklog(run, publisher, "the warm-up");
            }
            for (double rate : rates) {
                Row row = measure(run, publisher, guild, "at " + rate + "/s", rate, phaseSeconds, true);
                rows.add(row);
                run.out.println(row(row));
                awaitBacklog(run, publisher, row.name());
            }
            double rate = startRate;
            for (int step = 1; step <= maxSteps; step++) {
                Row row = measure(run, publisher, guild, "step " + step, rate, stepSeconds, false);
                rows.add(row);
                run.out.println(row(row));
                if (!row.ok()) {
                    break;
                }
                if (best == null || row.deliveriesPerSecond() > best.deliveriesPerSecond()) {
                    best = row;
                }
                awaitBacklog(run, publisher, row.name());
                rate *= stepFactor;
            }
        }
        Run.hold(DRAIN_SECONDS);
        run.out.println();
        run.out.println("== result (fanout) ==");
        run.out.printf("%d sessions in guild %d; fixed rates for %d s each, then steps of %d s; a step must keep p99"
                        + " <= %.0f ms and receive >= %.0f%% of its deliveries%n", receivers, guild, phaseSeconds,
                stepSeconds, p99LimitMs, minDeliveryRatio * 100);
        run.out.println("| phase | publishes/s (asked / done) | deliveries/s | delivered | publish rpc p50 / p99"
                + " | publish->receive p50 / p99 / max | last delivery per publish p50 / p99 / max"
                + " | servers cpu (wait) | server cpu per delivery | generator cpu per delivery | relay msgs per"
                + " publish | load |");
        run.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            run.out.println(row(row));
        }
        run.out.println(best == null ? "no step stayed under the limit"
                : String.format("highest sustained: %.0f deliveries/s at %.1f publishes/s (p99 %s)",
                best.deliveriesPerSecond(), best.publishesPerSecond(),
                Stats.ms(best.span().tally.delivery.getValueAtPercentile(99))));
        int changes = run.printMembershipChanges();
        return all && changes == 0 ? 0 : 1;
    }

    /**
     * Issue 14's other figures from the same sessions before they fan out: every session connects (HELLO) first,
     * then all IDENTIFY at once (the storm: READY/s and IDENTIFY to READY), and once they are idle the servers' heap
     * after a full GC and RSS per session, against a reading taken before the first socket.
     */
    private boolean stormAndIdle(Run run) throws InterruptedException {
        List<Servers.Server> nodes = run.servers.edges().isEmpty() ? run.servers.all() : run.servers.edges();
        List<ServerProbe.Snapshot> before = new ArrayList<>();
        for (Servers.Server node : nodes) {
            before.add(node.probe().snapshot(true));
        }
        StormScenario.Result storm = StormScenario.storm(run);
        Run.hold(IDLE_SETTLE_SECONDS);
        run.out.println();
        run.out.println("== result (fanout: the storm and the idle sessions) ==");
        storm.print(run.out);
        IdleScenario.printMemory(run, nodes, before);
        return storm.all();
    }

    /**
     * Waits until the sessions have every delivery published so far (or none came for a while), so a phase that fell
     * behind does not hand its backlog to the next one and make it look slower: in the first run at 100,000 sessions
     * the step after a saturated phase "delivered" 217 % of its own share. Says how long it took when it waited.
     */
    private static void awaitBacklog(Run run, Publisher publisher, String after) throws InterruptedException {
        long start = System.nanoTime();
        BacklogWatch backlog = new BacklogWatch(BACKLOG_QUIET_NANOS, start);
        boolean caughtUp = run.fleets.await(sample -> backlog.drained(sample.get(Counter.DELIVERIES),
                publisher.expected(), System.nanoTime()), BACKLOG_MILLIS, 250);
        long missing = publisher.expected() - run.fleets.latest().get(Counter.DELIVERIES);
        double waited = (System.nanoTime() - start) / 1e9;
        if (missing > 0 || waited > 1) {
            run.out.printf("backlog after %s: %s in %.1f s%s%n", after, caughtUp ? "drained" : "not drained", waited,
                    missing > 0 ? ", " + missing + " deliveries never arrived (yet)" : "");
        }
    }

    private Row measure(Run run, Publisher publisher, long guild, String name, double rate, int seconds,
                        boolean drain) throws InterruptedException {
        List<Map<String, Double>> metricsBefore = run.servers.metrics();
        long expectedBefore = publisher.expected();
        long publishesBefore = publisher.publishes();
        long firstNumber = publisher.nextNumber();
        Run.Span span = run.begin();
        long start = System.nanoTime();
        publisher.run(List.of(guild), rate, seconds * 1_000_000_000L);
        double publishing = (System.nanoTime() - start) / 1e9;
        if (drain) {
            Run.hold(DRAIN_SECONDS);
        }
        run.end(span);
        long lastNumber = publisher.lastNumber();
        List<Map<String, Double>> metricsAfter = run.servers.metrics();
        long got = span.deliveries();
        long wanted = publisher.expected() - expectedBefore;
        double ratio = wanted == 0 ? 0 : (double) got / wanted;
        Histogram last = Stats.histogram();
        if (drain && lastNumber >= firstNumber) {
            for (long[] a : run.fleets.arrivals(firstNumber, lastNumber)) {
                if (a[0] > 0) {
                    last.recordValue(a[1]);
                }
            }
        }
        double publishes = Servers.family(metricsAfter, "derailed_guild_publishes_total")
                - Servers.family(metricsBefore, "derailed_guild_publishes_total");
        double relays = Servers.family(metricsAfter, "derailed_guild_relay_messages_total")
                - Servers.family(metricsBefore, "derailed_guild_relay_messages_total");
        double p99 = span.tally.delivery.getValueAtPercentile(99) / 1000.0;
        boolean ok = span.tally.delivery.getTotalCount() > 0 && p99 <= p99LimitMs && ratio >= minDeliveryRatio;
        return new Row(name, rate, (publisher.publishes() - publishesBefore) / publishing, got / publishing, ratio,
                span, last, publishes > 0 ? relays / publishes : -1, ok);
    }

    private static String row(Row r) {
        Fleets.Tally t = r.span().tally;
        return String.format("| %s | %.1f / %.1f | %.0f | %.1f%% | %s / %s | %s / %s / %s | %s | %s (%s) | %s | %s |"
                        + " %s | %s |%s", r.name(), r.rate(), r.publishesPerSecond(), r.deliveriesPerSecond(),
                r.ratio() * 100, Stats.ms(t.publish.getValueAtPercentile(50)),
                Stats.ms(t.publish.getValueAtPercentile(99)), Stats.ms(t.delivery.getValueAtPercentile(50)),
                Stats.ms(t.delivery.getValueAtPercentile(99)), Stats.ms(t.delivery.getMaxValue()),
                r.lastDelivery().getTotalCount() == 0 ? "-" : Stats.ms(r.lastDelivery().getValueAtPercentile(50))
                        + " / " + Stats.ms(r.lastDelivery().getValueAtPercentile(99)) + " / "
                        + Stats.ms(r.lastDelivery().getMaxValue()),
                r.span().serverPercent(), r.span().serverWaitPercent(), r.span().serverPerDelivery(),
                r.span().generatorPerDelivery(), r.relayPerPublish() < 0 ? "?"
                        : String.format("%.2f", r.relayPerPublish()), ServerProbe.loadAverage(),
                r.ok() || r.name().startsWith("at ") ? "" : " over the limit");
    }
}
