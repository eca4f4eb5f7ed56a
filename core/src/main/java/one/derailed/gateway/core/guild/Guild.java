package one.derailed.gateway.core.guild;

import one.derailed.gateway.core.guild.GuildProtocol.Command;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Guild is one guild's process, placed by Cluster Sharding and found by id from any node ({@link GuildProtocol}).
 * Its phases are behaviours: {@link GuildLoading} reads the guild from the store, holding what needs it;
 * {@link GuildLive} serves it; {@link GuildAbsent} answers for a guild the store does not have. Each incarnation
 * has an id that its sessions name when they renew with the next one, and a renewal window from its start.
 */
public final class Guild {
    private Guild() {}

    public static Behavior<Command> create(long guildId, ActorRef<ClusterSharding.ShardCommand> shard,
                                           GuildServices services) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> Behaviors.withStash(
                services.settings().stashCapacity(), stash -> {
                    GuildIncarnation self = new GuildIncarnation(context, timers, shard, guildId, services);
                    services.metrics().guildStarted();
                    timers.startSingleTimer(GuildSignals.RenewalWindowOver.INSTANCE,
                            services.settings().renewalWindow());
                    timers.startSingleTimer(GuildSignals.HandoverWaitOver.INSTANCE,
                            services.settings().handoverWait());
                    return Behaviors.<Command>receive((ctx, first) -> new GuildLoading(self, stash, first));
                })));
    }
}
