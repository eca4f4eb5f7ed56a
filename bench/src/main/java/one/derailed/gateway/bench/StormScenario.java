package one.derailed.gateway.bench;

import picocli.CommandLine.Command;

/** storm: every session connected first, then all identify as fast as allowed; READY per second and latency. */
@Command(name = "storm", mixinStandardHelpOptions = true,
        description = "Identify storm: connect all N sessions (HELLO), then let them all IDENTIFY at --identify-rate"
                + " (0: as fast as --max-pending-identifies allows); report READY/s and IDENTIFY->READY latency.")
final class StormScenario extends Scenario {

    @Override
    String name() {
        return "storm";
    }

    @Override
    int body() throws Exception {
        fleet.start(false);
        long timeout = fleetOptions.readyTimeoutSeconds * 1000L;
        boolean connected = fleet.awaitHello(timeout);
        out.printf("%s: %d of %d sessions said HELLO; identifying now%n", connected ? "all connected" : "NOT all connected",
                fleet.helloed(), fleet.size());
        stats.beginPhase();
        long serverCpu = probe.cpuNanos();
        long ownCpu = ServerProbe.ownCpuNanos();
        long serverWait = probe.runQueueWaitNanos();
        long ownWait = ServerProbe.ownRunQueueWaitNanos();
        fleet.enableIdentify();
        boolean all = fleet.awaitReady(timeout);
        Stats.Phase phase = stats.endPhase();
        double seconds = (fleet.lastReadyNanos() - fleet.firstIdentifyNanos()) / 1e9;
        out.println();
        out.println("== result (storm) ==");
        out.printf("READY: %d of %d in %.2f s from the first IDENTIFY to the last READY = %.0f READY/s%n",
                fleet.ready(), fleet.size(), seconds, seconds > 0 ? fleet.ready() / seconds : 0.0);
        out.printf("IDENTIFY->READY: %s%n", Stats.latency(phase.ready()));
        out.printf("during the storm (100%% = one core): server cpu %s (run-queue wait %s), generator cpu %s"
                        + " (wait %s); load %s%n",
                Reporter.percent(probe.cpuNanos(), serverCpu, seconds),
                Reporter.percent(probe.runQueueWaitNanos(), serverWait, seconds),
                Reporter.percent(ServerProbe.ownCpuNanos(), ownCpu, seconds),
                Reporter.percent(ServerProbe.ownRunQueueWaitNanos(), ownWait, seconds), ServerProbe.loadAverage());
        return all ? 0 : 1;
    }
}
