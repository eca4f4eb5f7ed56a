package one.derailed.gateway.core.ingress;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.user.UserProtocol;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * ShardedEventIngress finds a guild's or user's entity through Cluster Sharding, wherever in the cluster it lives,
 * and waits at most {@code askTimeout} for it to accept the event.
 */
public final class ShardedEventIngress implements EventIngress {
    /**
     * Runs an answer's continuation on the thread that completed it (the entity's). A Pekko ask's stage runs
     * {@code thenApply} on the common pool, a thread wake-up between the entity's answer and the gRPC reply.
     */
    private static final java.util.concurrent.Executor ON_ANSWER = Runnable::run;

    private final ClusterSharding sharding;
    private final Duration askTimeout;
    private final GatewayMetrics metrics;
    private final long maxEventBytes;

    public ShardedEventIngress(ClusterSharding sharding, Duration askTimeout, long maxEventBytes,
                               GatewayMetrics metrics) {
        this.sharding = sharding;
        this.askTimeout = askTimeout;
        this.maxEventBytes = maxEventBytes;
        this.metrics = metrics;
    }

    @Override
    public long maxEventBytes() {
        return maxEventBytes;
    }

    @Override
    public CompletionStage<Void> publishToGuild(long guildId, String event, byte[] data, String idempotencyKey) {
        return sharding.entityRefFor(GuildProtocol.TYPE_KEY, Long.toString(guildId))
                .<GuildProtocol.PublishAck>ask(replyTo -> new GuildProtocol.Publish(event, data, idempotencyKey,
                        replyTo), askTimeout)
                .thenApplyAsync(ack -> {
                    if (!ack.accepted()) {
                        throw new CompletionException(new RejectedExecutionException(ack.reason()));
                    }
                    metrics.publishedToGuild();
                    return null;
                }, ON_ANSWER);
    }

    @Override
    public CompletionStage<Void> publishToUser(long userId, String event, byte[] data, String idempotencyKey) {
        return sharding.entityRefFor(UserProtocol.TYPE_KEY, Long.toString(userId))
                .<UserProtocol.Delivered>ask(replyTo -> new UserProtocol.Publish(event, data, idempotencyKey,
                        replyTo), askTimeout)
                .thenApplyAsync(delivered -> {
                    metrics.publishedToUser();
                    return null;
                }, ON_ANSWER);
    }

    @Override
    public CompletionStage<GuildInfo> guildInfo(long guildId) {
        return sharding.entityRefFor(GuildProtocol.TYPE_KEY, Long.toString(guildId))
                .<GuildProtocol.Info>ask(GuildProtocol.GetInfo::new, askTimeout)
                .thenApplyAsync(info -> new GuildInfo(info.presences(), info.available()), ON_ANSWER);
    }
}
