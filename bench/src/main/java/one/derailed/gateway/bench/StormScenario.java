package one.derailed.gateway.bench;

/**
 * storm: every session connects (HELLO) first, then all IDENTIFY at once, as fast as the pacing allows; READY per
 * second, IDENTIFY to READY latency, sessions lost (to the ready timeout or anything else), CPU, and membership.
 */
final class StormScenario implements ScenarioBody {

    @Override
    public int run(Run run) throws Exception {
        run.fleets.start(false);
        boolean connected = run.fleets.awaitHello(run.readyTimeoutMillis);
        run.out.printf("%s: %d of %d sessions said HELLO; identifying now%n",
                connected ? "all connected" : "NOT all connected", run.fleets.latest().get(Counter.HELLOED_NOW),
                run.fleets.size());
        Run.Span span = run.begin();
        run.fleets.enableIdentify();
        boolean all = run.fleets.awaitReady(run.readyTimeoutMillis);
        run.end(span);
        FleetSample end = span.tally.end;
        long ready = end.get(Counter.READY_NOW);
        double seconds = (end.get(Counter.LAST_READY_NANOS) - end.get(Counter.FIRST_IDENTIFY_NANOS)) / 1e9;
        run.out.println();
        run.out.println("== result (storm) ==");
        run.out.printf("READY: %d of %d in %.2f s from the first IDENTIFY to the last READY = %.0f READY/s%n", ready,
                run.fleets.size(), seconds, seconds > 0 ? ready / seconds : 0.0);
        run.out.printf("IDENTIFY->READY: %s%n", Stats.latency(span.tally.ready));
        run.out.printf("lost: %d not READY; closed by the server %s; dropped %d; op 9 %d%n", run.fleets.size() - ready,
                end.closes(), end.get(Counter.DROPS), end.get(Counter.INVALID_SESSIONS));
        run.out.printf("cpu during the storm (100%% = one core): servers %s (run-queue wait %s), generator %s%n",
                span.serverPercent(), span.serverWaitPercent(), span.generatorPercent());
        int changes = run.printMembershipChanges();
        return all && changes == 0 ? 0 : 1;
    }
}
