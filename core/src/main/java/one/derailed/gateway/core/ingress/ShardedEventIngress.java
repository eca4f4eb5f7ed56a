package one.derailed.gateway.core.ingress;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import one.derailed.gateway.core.guild.Guild;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.user.User;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * ShardedEventIngress finds a guild's or user's entity through Cluster Sharding, wherever in the cluster it lives,
 * and waits at most {@code askTimeout} for it to accept the event.
 */
public final class ShardedEventIngress implements EventIngress {
    private final ClusterSharding sharding;
    private final Duration askTimeout;
    private final GatewayMetrics metrics;

    public ShardedEventIngress(ClusterSharding sharding, Duration askTimeout, GatewayMetrics metrics) {
        this.sharding = sharding;
        this.askTimeout = askTimeout;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Void> publishToGuild(long guildId, String event, byte[] data) {
        return sharding.entityRefFor(Guild.TYPE_KEY, Long.toString(guildId))
                .<Guild.PublishAck>ask(replyTo -> new Guild.Publish(event, data, replyTo), askTimeout)
                .thenApply(ack -> {
                    if (!ack.accepted()) {
                        throw new CompletionException(new RejectedExecutionException(ack.reason()));
                    }
                    metrics.publishedToGuild();
                    return null;
                });
    }

    @Override
    public CompletionStage<Void> publishToUser(long userId, String event, byte[] data) {
        return sharding.entityRefFor(User.TYPE_KEY, Long.toString(userId))
                .<User.Delivered>ask(replyTo -> new User.Publish(event, data, replyTo), askTimeout)
                .thenApply(delivered -> {
                    metrics.publishedToUser();
                    return null;
                });
    }

    @Override
    public CompletionStage<GuildInfo> guildInfo(long guildId) {
        return sharding.entityRefFor(Guild.TYPE_KEY, Long.toString(guildId))
                .<Guild.Info>ask(Guild.GetInfo::new, askTimeout)
                .thenApply(info -> new GuildInfo(info.presences(), info.available()));
    }
}
