package one.derailed.gateway.bench;

import java.io.PrintStream;

/**
 * storm: every session connects (HELLO) first, then all IDENTIFY at once, as fast as the pacing allows; READY per
 * second, IDENTIFY to READY latency, sessions lost (to the ready timeout or anything else), CPU, and membership.
 */
final class StormScenario implements ScenarioBody {

    /** What a storm did: how many of how many were READY, in how long, how fast, and what it cost. */
    record Result(boolean all, long ready, int size, double seconds, Run.Span span) {
        void print(PrintStream out) {
            FleetSample end = span.tally.end;
            out.printf("storm: %d of %d READY in %.2f s from the first IDENTIFY to the last READY = %.0f READY/s%n",
                    ready, size, seconds, seconds > 0 ? ready / seconds : 0.0);
            out.printf("IDENTIFY->READY: %s%n", Stats.latency(span.tally.ready));
            out.printf("lost: %d not READY; closed by the server %s; dropped %d; op 9 %d%n", size - ready,
                    end.closes(), end.get(Counter.DROPS), end.get(Counter.INVALID_SESSIONS));
            out.printf("cpu during the storm (100%% = one core): servers %s (run-queue wait %s), generator %s%n",
                    span.serverPercent(), span.serverWaitPercent(), span.generatorPercent());
        }
    }

    /** Connects every session, then lets them all identify; returns what happened. */
    static Result storm(Run run) throws InterruptedException {
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
        double seconds = end.get(Counter.READY_NOW) == 0 ? 0
                : (end.get(Counter.LAST_READY_NANOS) - end.get(Counter.FIRST_IDENTIFY_NANOS)) / 1e9;
        return new Result(all, end.get(Counter.READY_NOW), run.fleets.size(), seconds, span);
    }

    @Override
    public int run(Run run) throws Exception {
        Result result = storm(run);
        run.out.println();
        run.out.println("== result (storm) ==");
        result.print(run.out);
        int changes = run.printMembershipChanges();
        return result.all() && changes == 0 ? 0 : 1;
    }
}
