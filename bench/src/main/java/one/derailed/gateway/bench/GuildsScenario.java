package one.derailed.gateway.bench;

import java.util.List;

/** many guilds: the sessions spread over many guilds; one publish per guild per second where the machine allows. */
final class GuildsScenario implements ScenarioBody {
    private final double perGuildRate;
    private final int durationSeconds;
    private final int warmupSeconds;

    GuildsScenario(double perGuildRate, int durationSeconds, int warmupSeconds) {
        this.perGuildRate = perGuildRate;
        this.durationSeconds = durationSeconds;
        this.warmupSeconds = warmupSeconds;
    }

    @Override
    public int run(Run run) throws Exception {
        boolean all = run.connectAndIdentify();
        List<Long> guilds = run.guilds;
        double rate = guilds.size() * perGuildRate;
        run.out.printf("publishing to %d guilds, %.1f publishes/s in all, for %d s%n", guilds.size(), rate,
                durationSeconds);
        Run.Span span;
        long expectedBefore;
        long unsettledBefore;
        long publishesBefore;
        long skippedBefore;
        double publishing;
        try (Publisher publisher = run.publisher()) {
            if (warmupSeconds > 0) {
                run.out.printf("warming up for %d s (not counted)%n", warmupSeconds);
                publisher.run(guilds, rate, warmupSeconds * 1_000_000_000L);
                Run.hold(1);
            }
            expectedBefore = publisher.expected();
            unsettledBefore = publisher.unsettled();
            publishesBefore = publisher.publishes();
            skippedBefore = publisher.skipped();
            span = run.begin();
            long start = System.nanoTime();
            publisher.run(guilds, rate, durationSeconds * 1_000_000_000L);
            publishing = (System.nanoTime() - start) / 1e9;
            Run.hold(2);
            run.end(span);
            long got = span.deliveries();
            long wanted = publisher.expected() - expectedBefore;
            long unsettled = publisher.unsettled() - unsettledBefore;
            run.out.println();
            run.out.println("== result (guilds) ==");
            run.out.printf("%d READY sessions in %d guilds; %.1f publishes/s asked for %d s, %.1f/s done (%d skipped:"
                            + " the publisher at its in-flight bound; failures %s)%n",
                    span.tally.end.get(Counter.READY_NOW), guilds.size(), rate, durationSeconds,
                    (publisher.publishes() - publishesBefore) / publishing, publisher.skipped() - skippedBefore,
                    publisher.failures());
            run.out.printf("publish->receive: %s%n", Stats.latency(span.tally.delivery));
            run.out.printf("publish rpc: %s%n", Stats.latency(span.tally.publish));
            run.out.printf("deliveries: %d of %d expected (%.2f%%), %.0f/s%n", got, wanted,
                    wanted == 0 ? 0.0 : 100.0 * got / wanted, got / publishing);
            if (unsettled > 0) {
                // A publish that failed without saying it was not delivered may have been (and a backlog's late
                // deliveries of the warm-up land here too): the share above can then pass 100 %.
                run.out.printf("  and up to %d more from the publishes that failed without saying they were not"
                        + " delivered (a deadline passed, UNAVAILABLE): %d of at most %d (%.2f%%)%n", unsettled, got,
                        wanted + unsettled, 100.0 * got / (wanted + unsettled));
            }
            run.out.printf("cpu (100%% = one core): servers %s (run-queue wait %s), generator %s, publisher %s; per"
                            + " delivery: servers %s, generator %s; load %s%n", span.serverPercent(),
                    span.serverWaitPercent(), span.generatorPercent(), span.publisherPercent(),
                    span.serverPerDelivery(), span.generatorPerDelivery(), ServerProbe.loadAverage());
        }
        int changes = run.printMembershipChanges();
        return all && changes == 0 ? 0 : 1;
    }
}
