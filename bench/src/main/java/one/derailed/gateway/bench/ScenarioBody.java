package one.derailed.gateway.bench;

/** ScenarioBody is one scenario's own steps, on a {@link Run} whose sessions and servers are ready to go. */
interface ScenarioBody {

    /** Runs the scenario, prints its result block; the exit code (0: every target of the run's own checks met). */
    int run(Run run) throws Exception;
}
