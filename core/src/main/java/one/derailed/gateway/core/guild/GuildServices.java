package one.derailed.gateway.core.guild;

import java.util.concurrent.Executor;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.store.GatewayStore;

/**
 * GuildServices is what a guild needs from its node: the store (read on {@code storeExecutor}, never on the actor's
 * thread), a way to reach users' entities and its own next incarnation, its settings and the node's metrics.
 */
public record GuildServices(GatewayStore store, Executor storeExecutor, Users users, Successor successor,
                            GatewaySettings.Guilds settings, GatewaySettings.Limits limits, GatewayMetrics metrics) {

    /** Users finds a user's entity: through Cluster Sharding in a node, directly in tests. */
    @FunctionalInterface
    public interface Users {
        void tell(long userId, UserProtocol.Command command);
    }

    /** Successor reaches whichever incarnation of a guild comes next (through Cluster Sharding in a node). */
    @FunctionalInterface
    public interface Successor {
        void tell(long guildId, GuildProtocol.Command command);
    }
}
