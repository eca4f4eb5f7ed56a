package one.derailed.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * fan-out: every session in one guild; the publish rate goes up step by step until p99 publish->receive passes the
 * limit (or deliveries fall behind); the result is the highest deliveries per second sustained below it.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "Fan-out: N sessions in one guild; raise the publish rate step by step until p99"
                + " publish->receive passes --p99-limit-ms (or fewer than --min-delivery-ratio of the expected"
                + " deliveries arrive); report the highest deliveries/s sustained under the limit.")
final class FanoutScenario extends Scenario {
    @Option(names = "--guild", defaultValue = "0",
            description = "Guild to publish to (0: the guild most sessions are in, from the tokens file).")
    long guild;

    @Option(names = "--start-rate", defaultValue = "10", description = "First step's publishes/s. Default: ${DEFAULT-VALUE}.")
    double startRate;

    @Option(names = "--step-factor", defaultValue = "1.5", description = "Rate multiplier per step. Default: ${DEFAULT-VALUE}.")
    double stepFactor;

    @Option(names = "--step-seconds", defaultValue = "5", description = "Seconds per step. Default: ${DEFAULT-VALUE}.")
    int stepSeconds;

    @Option(names = "--max-steps", defaultValue = "12", description = "Most steps. Default: ${DEFAULT-VALUE}.")
    int maxSteps;

    @Option(names = "--max-rate", defaultValue = "20000", description = "Highest publishes/s tried. Default: ${DEFAULT-VALUE}.")
    double maxRate;

    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Seconds of publishing at --start-rate before the first step, not counted."
                    + " Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--p99-limit-ms", defaultValue = "100", description = "p99 limit. Default: ${DEFAULT-VALUE}.")
    double p99LimitMs;

    @Option(names = "--steps-over-limit", defaultValue = "1",
            description = "Steps over the limit before stopping (more than 1 shows the curve past the limit)."
                    + " Default: ${DEFAULT-VALUE}.")
    int stepsOverLimit;

    @Option(names = "--min-delivery-ratio", defaultValue = "0.95",
            description = "Share of the expected deliveries a step must receive. Default: ${DEFAULT-VALUE}.")
    double minDeliveryRatio;

    private record Step(int number, double rate, double publishesPerSecond, double deliveriesPerSecond,
                        double ratio, double mbPerSecond, Stats.Phase phase, String serverCpu, String serverWait,
                        String ownCpu, String ownWait, String load, boolean ok) {}

    @Override
    String name() {
        return "fanout";
    }

    @Override
    int body() throws Exception {
        boolean all = connectAndIdentify();
        long target = guild != 0 ? guild : fleet.largestGuild();
        if (target == 0) {
            throw new IllegalArgumentException("no guild: pass --guild or use a tokens file with a guild column");
        }
        out.printf("fan-out to guild %d: %d READY sessions receive each publish%n", target, fleet.readyIn(target));
        List<Step> steps = new ArrayList<>();
        Step best = null;
        double rate = startRate;
        try (Publisher publisher = new Publisher(this.target, fleetOptions, stats, fleet)) {
            if (warmupSeconds > 0) {
                out.printf("warming up: %.1f publishes/s for %d s (not counted)%n", startRate, warmupSeconds);
                publisher.run(List.of(target), startRate, warmupSeconds * 1_000_000_000L);
                hold(1);
            }
            int over = 0;
            for (int number = 1; number <= maxSteps && rate <= maxRate; number++) {
                Step step = step(publisher, number, rate, target);
                steps.add(step);
                out.println(row(step));
                if (step.ok()) {
                    if (best == null || step.deliveriesPerSecond() > best.deliveriesPerSecond()) {
                        best = step;
                    }
                } else if (++over >= stepsOverLimit) {
                    break;
                }
                rate *= stepFactor;
            }
        }
        hold(2);
        out.println();
        out.println("== result (fanout) ==");
        out.printf("%d READY sessions in guild %d; steps of %d s; limit p99 <= %.0f ms and >= %.0f%% delivered%n",
                fleet.readyIn(target), target, stepSeconds, p99LimitMs, minDeliveryRatio * 100);
        out.println("| step | publishes/s (asked) | publishes/s (done) | deliveries/s | delivered | p50 | p99 | p99.9"
                + " | max | MB/s in | server cpu / run-queue wait | generator cpu / wait | load |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Step step : steps) {
            out.println(row(step));
        }
        out.println(best == null ? "no step stayed under the limit"
                : String.format("highest sustained: %.0f deliveries/s at %.1f publishes/s (p99 %s)",
                best.deliveriesPerSecond(), best.publishesPerSecond(),
                Stats.ms(best.phase().delivery().getValueAtPercentile(99))));
        return all ? 0 : 1;
    }

    private Step step(Publisher publisher, int number, double rate, long guildId) {
        stats.beginPhase();
        long deliveries = stats.deliveries.sum();
        long expected = stats.expectedDeliveries.sum();
        long publishes = stats.publishes.sum();
        long bytes = stats.wireBytesIn.sum();
        long serverCpu = probe.cpuNanos();
        long ownCpu = ServerProbe.ownCpuNanos();
        long serverWait = probe.runQueueWaitNanos();
        long ownWait = ServerProbe.ownRunQueueWaitNanos();
        long start = System.nanoTime();
        publisher.run(List.of(guildId), rate, stepSeconds * 1_000_000_000L);
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats.Phase phase = stats.endPhase();
        long got = stats.deliveries.sum() - deliveries;
        long wanted = stats.expectedDeliveries.sum() - expected;
        double ratio = wanted == 0 ? 0 : (double) got / wanted;
        double p99 = phase.delivery().getValueAtPercentile(99) / 1000.0;
        boolean ok = phase.delivery().getTotalCount() > 0 && p99 <= p99LimitMs && ratio >= minDeliveryRatio;
        return new Step(number, rate, (stats.publishes.sum() - publishes) / seconds, got / seconds, ratio,
                (stats.wireBytesIn.sum() - bytes) / seconds / 1e6, phase,
                Reporter.percent(probe.cpuNanos(), serverCpu, seconds),
                Reporter.percent(probe.runQueueWaitNanos(), serverWait, seconds),
                Reporter.percent(ServerProbe.ownCpuNanos(), ownCpu, seconds),
                Reporter.percent(ServerProbe.ownRunQueueWaitNanos(), ownWait, seconds), ServerProbe.loadAverage(), ok);
    }

    private static String row(Step s) {
        var h = s.phase().delivery();
        return String.format("| %d | %.1f | %.1f | %.0f | %.1f%% | %s | %s | %s | %s | %.2f | %s / %s | %s / %s | %s |%s",
                s.number(), s.rate(), s.publishesPerSecond(), s.deliveriesPerSecond(), s.ratio() * 100,
                Stats.ms(h.getValueAtPercentile(50)), Stats.ms(h.getValueAtPercentile(99)),
                Stats.ms(h.getValueAtPercentile(99.9)), Stats.ms(h.getMaxValue()), s.mbPerSecond(),
                s.serverCpu(), s.serverWait(), s.ownCpu(), s.ownWait(), s.load(), s.ok() ? "" : " over the limit");
    }
}
