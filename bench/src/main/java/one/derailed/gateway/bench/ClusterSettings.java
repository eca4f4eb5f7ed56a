package one.derailed.gateway.bench;

import java.util.List;
import one.derailed.gateway.bench.cluster.Plan;

/**
 * ClusterSettings is what the bench sets on the nodes it starts beyond the gateway's defaults, and why (docs/operations.md,
 * "Cluster settings for a starved machine"). Kept small: the point is to measure the gateway as it is deployed.
 */
final class ClusterSettings {
    /**
     * For a cluster whose nodes share two cores with a dozen others: a 10 s acceptable heartbeat pause (Pekko's 3 s
     * marked healthy nodes unreachable in 2 of 3 starved identify storms and once downed the seed; gaps of 5-13 s
     * were seen) and Pekko Cluster's own actors on two threads of their own. Not derailed.conf's defaults: with them,
     * SessionHandoffTest's graceful leave failed 2 of 4 runs (docs/operations.md says what is known).
     */
    static final List<String> STARVED_HOST = List.of(
            "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=10s",
            "-Dderailed-cluster-dispatcher.type=Dispatcher",
            "-Dderailed-cluster-dispatcher.executor=thread-pool-executor",
            "-Dderailed-cluster-dispatcher.thread-pool-executor.fixed-pool-size=2",
            "-Dpekko.cluster.use-dispatcher=derailed-cluster-dispatcher");

    private ClusterSettings() {}

    /** Settings for every node of {@code plan}: the starved-host ones in a cluster, nothing for a single node. */
    static List<String> forBench(Plan plan) {
        return plan.isCluster() ? STARVED_HOST : List.of();
    }

    /**
     * Settings for edge nodes: they run no Ready workers (no ready role), so their database pool, which is also
     * their store dispatcher, needs only a couple of connections; 8 per node would put a hundred connections on
     * the H2 server of the first core node for nothing.
     */
    static List<String> forEdges() {
        return List.of("-Dderailed.db.max-pool-size=2");
    }
}
