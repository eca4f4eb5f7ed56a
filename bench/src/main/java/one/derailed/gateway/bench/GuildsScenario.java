package one.derailed.gateway.bench;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** many guilds: S sessions over G guilds, one publish per guild per second; latency and CPU. */
@Command(name = "guilds", mixinStandardHelpOptions = true,
        description = "Many guilds: N sessions spread over the guilds of the tokens file; publish"
                + " --per-guild-rate events per guild per second for --duration seconds; report publish->receive"
                + " latency, deliveries/s and CPU (server CPU needs --server-pid).")
final class GuildsScenario extends Scenario {
    @Option(names = "--duration", defaultValue = "30", description = "Seconds of publishing. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--per-guild-rate", defaultValue = "1",
            description = "Publishes per guild per second. Default: ${DEFAULT-VALUE}.")
    double perGuildRate;

    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Seconds of publishing before the measured part, not counted. Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Override
    String name() {
        return "guilds";
    }

    @Override
    int body() throws Exception {
        boolean all = connectAndIdentify();
        List<Long> guilds = fleet.guilds();
        if (guilds.isEmpty()) {
            throw new IllegalArgumentException("the tokens file names no guilds (third column): run `prepare`");
        }
        double rate = guilds.size() * perGuildRate;
        out.printf("publishing to %d guilds, %.1f publishes/s in all, for %d s%n", guilds.size(), rate,
                durationSeconds);
        long deliveries;
        long expected;
        long bytes;
        long serverCpu;
        long ownCpu;
        long serverWait;
        long ownWait;
        long start;
        try (Publisher publisher = new Publisher(target, fleetOptions, stats, fleet)) {
            if (warmupSeconds > 0) {
                out.printf("warming up for %d s (not counted)%n", warmupSeconds);
                publisher.run(guilds, rate, warmupSeconds * 1_000_000_000L);
                hold(1);
            }
            stats.beginPhase();
            deliveries = stats.deliveries.sum();
            expected = stats.expectedDeliveries.sum();
            bytes = stats.wireBytesIn.sum();
            serverCpu = probe.cpuNanos();
            ownCpu = ServerProbe.ownCpuNanos();
            serverWait = probe.runQueueWaitNanos();
            ownWait = ServerProbe.ownRunQueueWaitNanos();
            start = System.nanoTime();
            publisher.run(guilds, rate, durationSeconds * 1_000_000_000L);
        }
        hold(1);
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats.Phase phase = stats.endPhase();
        long got = stats.deliveries.sum() - deliveries;
        long wanted = stats.expectedDeliveries.sum() - expected;
        out.println();
        out.println("== result (guilds) ==");
        out.printf("%d READY sessions in %d guilds; %.1f publishes/s for %d s%n", fleet.ready(), guilds.size(), rate,
                durationSeconds);
        out.printf("publish->receive: %s%n", Stats.latency(phase.delivery()));
        out.printf("publish rpc: %s%n", Stats.latency(phase.publish()));
        out.printf("deliveries: %d of %d expected (%.2f%%), %.0f/s, %.2f MB/s in%n", got, wanted,
                wanted == 0 ? 0.0 : 100.0 * got / wanted, got / seconds,
                (stats.wireBytesIn.sum() - bytes) / seconds / 1e6);
        out.printf("cpu (100%% = one core): server %s (run-queue wait %s), generator %s (wait %s); load %s%n",
                Reporter.percent(probe.cpuNanos(), serverCpu, seconds),
                Reporter.percent(probe.runQueueWaitNanos(), serverWait, seconds),
                Reporter.percent(ServerProbe.ownCpuNanos(), ownCpu, seconds),
                Reporter.percent(ServerProbe.ownRunQueueWaitNanos(), ownWait, seconds), ServerProbe.loadAverage());
        return all ? 0 : 1;
    }
}
