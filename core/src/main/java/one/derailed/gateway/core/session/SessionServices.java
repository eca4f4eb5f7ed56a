package one.derailed.gateway.core.session;

import java.time.Duration;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * SessionServices is what a session needs from its node: where sessions are listed, Ready, the guilds and users
 * (through Cluster Sharding), this node's relay, its settings and metrics.
 */
public record SessionServices(SessionDirectory directory, ActorRef<ReadyProtocol.Command> ready,
                              ClusterSharding sharding, ActorRef<RelayProtocol.Command> relay,
                              GatewaySettings.Sessions settings, GatewaySettings.Limits limits,
                              String resumeGatewayUrl, boolean readyIsLocal, GatewayMetrics metrics) {

    EntityRef<GuildProtocol.Command> guild(long guildId) {
        return sharding.entityRefFor(GuildProtocol.TYPE_KEY, Long.toString(guildId));
    }

    EntityRef<UserProtocol.Command> user(long userId) {
        return sharding.entityRefFor(UserProtocol.TYPE_KEY, Long.toString(userId));
    }

    /**
     * Where Ready is reached through the cluster (a node without the ready role), an ask may be lost: the router can
     * pick the workers of a node that just crashed or left, which stay listed until the cluster notices. There each
     * ask gets half the ready timeout and a second try. A node's own pool loses nothing, and a retry there would only
     * queue the same work twice when the workers are behind, so it asks once with the whole timeout.
     */
    int readyTries() {
        return readyIsLocal ? 1 : 2;
    }

    Duration readyTryTimeout() {
        return settings.readyTimeout().dividedBy(readyTries());
    }
}
