package one.derailed.gateway.core.guild;

import java.util.concurrent.Executor;
import one.derailed.gateway.core.admin.GuildCensus;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.store.GatewayStore;

/**
 * GuildServices is what a guild needs from its node: the store (read on {@code storeExecutor}, never on the actor's
 * thread), a way to reach users' entities and its own next incarnation, its settings, the node's metrics, and the
 * node's census of guilds by online members (the admin page's top guilds).
 */
public record GuildServices(GatewayStore store, Executor storeExecutor, Users users, Successor successor,
                            GatewaySettings.Guilds settings, GatewaySettings.Limits limits, GatewayMetrics metrics,
                            GuildCensus census) {

    /** A guild's services outside a node's census (tests). */
    public GuildServices(GatewayStore store, Executor storeExecutor, Users users, Successor successor,
                         GatewaySettings.Guilds settings, GatewaySettings.Limits limits, GatewayMetrics metrics) {
        this(store, storeExecutor, users, successor, settings, limits, metrics, GuildCensus.none());
    }

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
