package one.derailed.gateway.core.node;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether an entity stopping here can have a next incarnation: only a node that is up with the entity's role (this
 * one too, unless it is shutting down: the entity was passivated or moved by a rebalance) can start one. When none can (the last such node
 * is leaving, or the whole cluster is stopping), what an
 * entity passes to its successor would wait in the shard region for a home that never comes, and hold the region's
 * graceful shutdown to its timeout.
 */
final class NextIncarnation {
    private NextIncarnation() {
    }

    static boolean possible(ActorSystem<?> system, String role) {
        Cluster cluster = Cluster.get(system);
        boolean leaving = CoordinatedShutdown.get(system).getShutdownReason().isPresent();
        for (Member member : cluster.state().getMembers()) {
            if (member.hasRole(role) && member.status() == MemberStatus.up()
                    && !(leaving && member.uniqueAddress().equals(cluster.selfMember().uniqueAddress()))) {
                return true;
            }
        }
        return false;
    }
}
