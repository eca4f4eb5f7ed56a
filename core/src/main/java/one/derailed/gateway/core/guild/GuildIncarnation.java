package one.derailed.gateway.core.guild;

import java.util.concurrent.ThreadLocalRandom;
import one.derailed.gateway.core.ingress.RecentKeys;
import one.derailed.gateway.core.relay.RelayLink;
import one.derailed.gateway.core.renewal.RenewalLog;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * GuildIncarnation is what every phase of one incarnation of a guild's entity shares: who it is (the guild id and a
 * random incarnation id that sessions name when they renew), its node's services, and what outlives a phase: the
 * renewal log and the idempotency keys it answered.
 */
final class GuildIncarnation {
    final ActorContext<GuildProtocol.Command> context;
    final TimerScheduler<GuildProtocol.Command> timers;
    final ActorRef<ClusterSharding.ShardCommand> shard;
    final long guildId;
    final long incarnation;
    final GuildServices services;
    final long startedNanos = System.nanoTime();
    final RenewalLog<GuildProtocol.LoggedEvent> log;
    final RecentKeys keys;
    /** Numbers what this incarnation sends each relay, so a relay can tell when one was lost. */
    final RelayLink link;
    /** Set when this incarnation asked to be passivated: its HandOff then stops it without handing anything over. */
    boolean passivating;

    GuildIncarnation(ActorContext<GuildProtocol.Command> context, TimerScheduler<GuildProtocol.Command> timers,
                     ActorRef<ClusterSharding.ShardCommand> shard, long guildId, GuildServices services) {
        this.context = context;
        this.timers = timers;
        this.shard = shard;
        this.guildId = guildId;
        this.incarnation = newIncarnation();
        this.services = services;
        this.log = new RenewalLog<>(services.settings().renewalLogMaxEvents(),
                services.settings().renewalLogMaxBytes(), GuildProtocol.LoggedEvent::sizeBytes);
        this.keys = new RecentKeys(services.settings().idempotencyWindow(), services.settings().idempotencyMaxKeys());
        this.link = new RelayLink(context.getSelf(), true, guildId);
    }

    /** A random non-zero id: 0 means "no incarnation" to sessions. */
    private static long newIncarnation() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** Asks the shard to stop this incarnation; its HandOff will stop it without a handover. */
    void passivate() {
        passivating = true;
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
}
