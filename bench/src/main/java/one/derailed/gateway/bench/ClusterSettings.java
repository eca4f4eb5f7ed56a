package one.derailed.gateway.bench;

import java.util.List;
import one.derailed.gateway.bench.cluster.Plan;

/**
 * ClusterSettings is what the bench sets on the nodes it starts beyond the gateway's defaults, and why. Kept small:
 * the point is to measure the gateway as it is deployed.
 */
final class ClusterSettings {
    private ClusterSettings() {}

    /** Settings for every node of {@code plan}. */
    static List<String> forBench(Plan plan) {
        return List.of();
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
