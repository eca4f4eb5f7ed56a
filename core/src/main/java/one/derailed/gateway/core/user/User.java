package one.derailed.gateway.core.user;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.ingress.RecentKeys;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.relay.RelayLink;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.renewal.RenewalLog;
import one.derailed.gateway.core.user.UserProtocol.Attach;
import one.derailed.gateway.core.user.UserProtocol.Command;
import one.derailed.gateway.core.user.UserProtocol.LoggedEvent;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User is one user's process, placed by Cluster Sharding ({@link UserProtocol}): it knows every live session of the
 * user, wherever it runs, hands user-wide events (DMs, USER_UPDATE, a guild joined) to all of them, and counts their
 * session starts. Like a guild, a new incarnation keeps what it sent out during its renewal window, so sessions that
 * reattach from the one before miss nothing, and a handing-off incarnation passes that on with its counters.
 */
public final class User extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(User.class);

    /** What the entity needs from its node. */
    public record Services(GatewaySettings.StartLimits limits, GatewaySettings.Guilds entities,
                           Successor successor, GatewayMetrics metrics) {}

    /** Successor reaches whichever incarnation of a user comes next (through Cluster Sharding in a node). */
    @FunctionalInterface
    public interface Successor {
        void tell(long userId, Command command);
    }

    /**
     * The event the API publishes to a user who was suspended or deleted or whose password changed: it reaches no
     * client; every session of the user closes with 4004 (docs/grpc.md).
     */
    public static final String SESSIONS_REVOKED = "SESSIONS_REVOKED";

    private interface Signal extends Command, NoSerializationVerificationNeeded {}

    private record NodeLost(ActorRef<RelayProtocol.Command> relay) implements Signal {}

    private enum IdleTimeout implements Signal { INSTANCE }

    private enum RenewalWindowOver implements Signal { INSTANCE }

    private enum HandoverWaitOver implements Signal { INSTANCE }

    public static Behavior<Command> create(long userId, ActorRef<ClusterSharding.ShardCommand> shard,
                                           Services services) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            services.metrics().userStarted();
            timers.startSingleTimer(RenewalWindowOver.INSTANCE, services.entities().renewalWindow());
            timers.startSingleTimer(HandoverWaitOver.INSTANCE, services.entities().handoverWait());
            return new User(context, timers, userId, shard, services);
        }));
    }

    private final long userId;
    private final long incarnation = newIncarnation();
    private final long startedNanos = System.nanoTime();
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Services services;
    private final GatewaySettings.StartLimits limits;
    /** When each session of the current window started, oldest first (at most limits.total entries). */
    private final ArrayDeque<Long> starts = new ArrayDeque<>();
    /** When each identify bucket (shard_id % max_concurrency) last started a session. */
    private final Map<Integer, Long> lastStartByBucket = new HashMap<>();
    private final Map<ActorRef<RelayProtocol.Command>, Map<Long, Attach>> sessions = new HashMap<>();
    private final RenewalLog<LoggedEvent> log;
    private final RecentKeys keys;
    /** Numbers what this incarnation sends each relay, so a relay can tell when one was lost. */
    private final RelayLink link;
    /** Reattaches from an incarnation this one does not know, waiting for a handover that may tell. */
    private final Map<Long, Attach> awaitingHandover = new LinkedHashMap<>();
    private boolean passivating;

    private User(ActorContext<Command> context, TimerScheduler<Command> timers, long userId,
                 ActorRef<ClusterSharding.ShardCommand> shard, Services services) {
        super(context);
        this.userId = userId;
        this.shard = shard;
        this.services = services;
        this.limits = services.limits();
        GatewaySettings.Guilds entities = services.entities();
        this.log = new RenewalLog<>(entities.renewalLogMaxEvents(), entities.renewalLogMaxBytes(),
                LoggedEvent::sizeBytes);
        this.keys = new RecentKeys(entities.idempotencyWindow(), entities.idempotencyMaxKeys());
        this.link = new RelayLink(context.getSelf(), false, userId);
        context.setReceiveTimeout(entities.idleTimeout(), IdleTimeout.INSTANCE);
    }

    private static long newIncarnation() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        return switch (command) {
            case Attach attach -> onAttach(attach);
            case UserProtocol.Detach detach -> {
                detach(detach.relay(), detach.session());
                yield this;
            }
            case UserProtocol.Move move -> onMove(move);
            case NodeLost lost -> onNodeLost(lost);
            case UserProtocol.Publish publish -> onPublish(publish);
            case UserProtocol.JoinedGuild joined -> {
                join(joined.guildId(), joined.member());
                yield this;
            }
            case UserProtocol.StartSession start -> onStartSession(start);
            case UserProtocol.GetStartLimit get -> onGetStartLimit(get);
            case UserProtocol.Describe describe -> {
                describe.replyTo().tell(describeSessions());
                yield this;
            }
            case UserProtocol.Handover handover -> onHandover(handover);
            case UserProtocol.HandOff handOff -> handOff();
            case IdleTimeout timeout -> onIdleTimeout();
            case RenewalWindowOver over -> {
                log.close();
                yield releaseAwaitingHandover();
            }
            case HandoverWaitOver over -> releaseAwaitingHandover();
            default -> this;
        };
    }

    @Override
    public Behavior<Command> onSignal(org.apache.pekko.actor.typed.Signal signal) {
        if (signal instanceof PostStop) {
            services.metrics().userStopped();
        }
        return this;
    }

    private Behavior<Command> onAttach(Attach attach) {
        if (attach.renews() != 0 && !log.isClosed() && !log.adopted() && !log.knows(attach.renews())
                && System.nanoTime() - startedNanos < services.entities().handoverWait().toNanos()) {
            awaitingHandover.put(attach.session(), attach);
            return this;
        }
        attach(attach);
        return this;
    }

    /**
     * Records the session and confirms it through its relay; a reattaching session then gets what this incarnation
     * sent out since the one it had stopped. When the log cannot tell, the confirmation names no incarnation: the
     * session cannot be served exactly, and ends (its client identifies anew).
     */
    private void attach(Attach attach) {
        if (!sessions.containsKey(attach.relay())) {
            getContext().watchWith(attach.relay(), new NodeLost(attach.relay()));
        }
        sessions.computeIfAbsent(attach.relay(), r -> new HashMap<>()).put(attach.session(), attach);
        List<LoggedEvent> missed = attach.renews() == 0 ? List.of() : log.missedBy(attach.renews());
        link.tell(attach.relay(), new RelayProtocol.Attached(attach.session(), userId,
                missed == null ? 0 : incarnation, getContext().getSelf()));
        if (missed != null) {
            for (LoggedEvent event : missed) {
                replay(attach, event);
            }
        }
        getContext().cancelReceiveTimeout();
    }

    private void replay(Attach attach, LoggedEvent event) {
        long[] session = {attach.session()};
        if (event.joinedGuild() != 0) {
            if (owns(attach, event.joinedGuild())) {
                link.tell(attach.relay(), new RelayProtocol.Join(session, event.joinedGuild(), event.data()));
            }
        } else if (attach.shardId() == 0 && Intents.allows(attach.intents(), event.requiredIntent())) {
            link.tell(attach.relay(), new RelayProtocol.Deliver(session, event.event(), event.data()));
        }
    }

    private void detach(ActorRef<RelayProtocol.Command> relay, long session) {
        awaitingHandover.remove(session);
        Map<Long, Attach> onNode = sessions.get(relay);
        if (onNode != null && onNode.remove(session) != null && onNode.isEmpty()) {
            sessions.remove(relay);
            getContext().unwatch(relay);
        }
        if (sessions.isEmpty()) {
            getContext().setReceiveTimeout(services.entities().idleTimeout(), IdleTimeout.INSTANCE);
        }
    }

    /**
     * A moved session takes the old one's place; the old node hears {@link RelayProtocol.Drained} after everything
     * this user sent there. A session this incarnation never had (it is newer) reattaches from the one it had.
     */
    private Behavior<Command> onMove(UserProtocol.Move move) {
        Map<Long, Attach> onNode = sessions.get(move.relay());
        boolean known = onNode != null && onNode.containsKey(move.session());
        Attach attach = move.attach();
        attach(known ? new Attach(attach.relay(), attach.session(), attach.intents(), attach.shardId(),
                attach.shardCount(), 0) : attach);
        detach(move.relay(), move.session());
        link.tell(move.relay(), new RelayProtocol.Drained(move.session(), userId));
        return this;
    }

    private Behavior<Command> onNodeLost(NodeLost lost) {
        link.forget(lost.relay());
        Map<Long, Attach> gone = sessions.remove(lost.relay());
        awaitingHandover.values().removeIf(attach -> attach.relay().equals(lost.relay()));
        LOG.info("user {}: a node left with {} of its sessions", userId,
                gone == null ? 0 : gone.size());
        if (sessions.isEmpty()) {
            getContext().setReceiveTimeout(services.entities().idleTimeout(), IdleTimeout.INSTANCE);
        }
        return this;
    }

    /**
     * A user-wide event goes to the user's sessions on shard 0 whose intents allow it. GUILD_CREATE (what the
     * Derailed API sends a user who joined a guild) instead makes the sessions subscribe to that guild, which answers
     * each with its own GUILD_CREATE.
     */
    private Behavior<Command> onPublish(UserProtocol.Publish publish) {
        if (keys.seen(publish.idempotencyKey(), System.nanoTime())) {
            publish.replyTo().tell(new UserProtocol.Delivered(0));
            return this;
        }
        if (publish.event().equals(SESSIONS_REVOKED)) {
            publish.replyTo().tell(new UserProtocol.Delivered(revokeSessions()));
            return this;
        }
        if (GatewayEvent.of(publish.event()) == GatewayEvent.GUILD_CREATE) {
            long guildId = guildIdOf(publish.data());
            int count = guildId == 0 ? 0 : join(guildId, null);
            publish.replyTo().tell(new UserProtocol.Delivered(count));
            return this;
        }
        int required = GatewayEvent.directIntentOf(publish.event());
        appendToLog(new LoggedEvent(publish.event(), publish.data(), required, 0));
        int count = 0;
        for (Map.Entry<ActorRef<RelayProtocol.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().values().stream()
                    .filter(session -> session.shardId() == 0 && Intents.allows(session.intents(), required))
                    .mapToLong(Attach::session).toArray();
            if (numbers.length > 0) {
                link.tell(node.getKey(), new RelayProtocol.Deliver(numbers, publish.event(), publish.data()));
                count += numbers.length;
            }
        }
        publish.replyTo().tell(new UserProtocol.Delivered(count));
        return this;
    }

    private UserProtocol.Sessions describeSessions() {
        List<UserProtocol.NodeSessions> nodes = new ArrayList<>(sessions.size());
        sessions.forEach((relay, onNode) -> nodes.add(new UserProtocol.NodeSessions(relay,
                onNode.keySet().stream().mapToLong(Long::longValue).toArray())));
        return new UserProtocol.Sessions(userId, nodes);
    }

    /** Tells every session of the user, connected or awaiting RESUME, to close with 4004; returns how many. */
    private int revokeSessions() {
        int count = 0;
        for (Map.Entry<ActorRef<RelayProtocol.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().keySet().stream().mapToLong(Long::longValue).toArray();
            link.tell(node.getKey(), new RelayProtocol.Revoke(numbers));
            count += numbers.length;
        }
        LOG.info("user {}: {} sessions revoked", userId, count);
        return count;
    }

    /** Tells the sessions whose shard owns the guild to subscribe to it; returns how many. */
    private int join(long guildId, byte[] member) {
        appendToLog(new LoggedEvent(null, member, 0, guildId));
        int count = 0;
        for (Map.Entry<ActorRef<RelayProtocol.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().values().stream()
                    .filter(session -> owns(session, guildId))
                    .mapToLong(Attach::session).toArray();
            if (numbers.length > 0) {
                link.tell(node.getKey(), new RelayProtocol.Join(numbers, guildId, member));
                count += numbers.length;
            }
        }
        return count;
    }

    private static boolean owns(Attach session, long guildId) {
        return (int) ((guildId >>> 22) % session.shardCount()) == session.shardId();
    }

    private void appendToLog(LoggedEvent event) {
        if (!log.isClosed()) {
            log.append(event);
        }
    }

    private static long guildIdOf(byte[] data) {
        com.fasterxml.jackson.databind.JsonNode id = one.derailed.gateway.protocol.Json.readOrMissing(data).path("id");
        try {
            return id.isIntegralNumber() ? id.longValue() : Long.parseLong(id.asText());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Counts session starts per user across every connection and node: at most {@code total} per {@code window},
     * and for bots one per {@code identifyInterval} in each bucket {@code shard_id % max_concurrency}.
     */
    private Behavior<Command> onStartSession(UserProtocol.StartSession start) {
        long now = System.currentTimeMillis();
        forgetExpired(now);
        if (starts.size() >= limits.total()) {
            start.replyTo().tell(new UserProtocol.StartAnswer(UserProtocol.StartOutcome.LIMIT_REACHED,
                    starts.peekFirst() + limits.window().toMillis() - now));
            return this;
        }
        if (start.bot()) {
            int bucket = Math.floorMod(start.shardId(), limits.maxConcurrency());
            Long last = lastStartByBucket.get(bucket);
            long interval = limits.identifyInterval().toMillis();
            if (last != null && now - last < interval) {
                start.replyTo().tell(new UserProtocol.StartAnswer(UserProtocol.StartOutcome.TOO_FAST,
                        last + interval - now));
                return this;
            }
            lastStartByBucket.put(bucket, now);
        }
        starts.addLast(now);
        start.replyTo().tell(new UserProtocol.StartAnswer(UserProtocol.StartOutcome.STARTED, 0));
        return this;
    }

    private Behavior<Command> onGetStartLimit(UserProtocol.GetStartLimit get) {
        long now = System.currentTimeMillis();
        forgetExpired(now);
        long resetAfter = starts.isEmpty() ? limits.window().toMillis()
                : starts.peekFirst() + limits.window().toMillis() - now;
        get.replyTo().tell(new UserProtocol.StartLimit(limits.total(), limits.total() - starts.size(), resetAfter,
                limits.maxConcurrency()));
        return this;
    }

    /** Starts past the window no longer count; identify buckets past their interval no longer hold anyone back. */
    private void forgetExpired(long now) {
        while (!starts.isEmpty() && starts.peekFirst() + limits.window().toMillis() <= now) {
            starts.removeFirst();
        }
        long interval = limits.identifyInterval().toMillis();
        lastStartByBucket.values().removeIf(last -> now - last >= interval);
    }

    private Behavior<Command> onHandover(UserProtocol.Handover handover) {
        log.adopt(handover.from(), handover.log());
        keys.adopt(handover.recentKeys(), System.nanoTime());
        List<Long> merged = new ArrayList<>(handover.starts());
        merged.addAll(starts);
        merged.sort(Long::compare);
        starts.clear();
        starts.addAll(merged);
        while (starts.size() > limits.total()) {
            starts.removeFirst();
        }
        return releaseAwaitingHandover();
    }

    private Behavior<Command> releaseAwaitingHandover() {
        List<Attach> waiting = new ArrayList<>(awaitingHandover.values());
        awaitingHandover.clear();
        waiting.forEach(this::attach);
        return this;
    }

    /**
     * Cluster Sharding moves this user: the next incarnation gets what renewing sessions may miss and the start
     * counters (when there is something to pass: a handover starts the next incarnation at once).
     */
    private Behavior<Command> handOff() {
        forgetExpired(System.currentTimeMillis());
        if (!passivating && (!sessions.isEmpty() || log.size() > 0 || !starts.isEmpty()
                || !awaitingHandover.isEmpty())) {
            services.successor().tell(userId, new UserProtocol.Handover(incarnation, log.carry(),
                    new ArrayList<>(starts), keys.carry(System.nanoTime())));
        }
        return Behaviors.stopped();
    }

    /** A user with sessions, or with starts still counting against the window, stays; the counters must not reset. */
    private Behavior<Command> onIdleTimeout() {
        forgetExpired(System.currentTimeMillis());
        if (sessions.isEmpty() && starts.isEmpty() && awaitingHandover.isEmpty()) {
            passivating = true;
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }
}
