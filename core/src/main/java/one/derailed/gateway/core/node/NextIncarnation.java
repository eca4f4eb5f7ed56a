package one.derailed.gateway.core.node;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * NextIncarnation reaches the next incarnation of a guild or user that stops here, when one can start: only a node
 * that is up with the entity's role (this one too, unless it is shutting down: the entity was passivated or moved by
 * a rebalance) can start it. When none can (the last such node is leaving, or the whole cluster is stopping), what
 * the entity passes on would wait in the shard region for a home that never comes, and hold the region's graceful
 * shutdown to its timeout; it is dropped instead.
 */
final class NextIncarnation {
    private NextIncarnation() {
    }

    /** Sends {@code command} to the next incarnation of entity {@code id}, when one can start; else drops it. */
    static <M> void tell(ActorSystem<?> system, EntityTypeKey<M> type, String role, long id, M command) {
        if (possible(system, role)) {
            ClusterSharding.get(system).entityRefFor(type, Long.toString(id)).tell(command);
        }
    }

    private static boolean possible(ActorSystem<?> system, String role) {
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
