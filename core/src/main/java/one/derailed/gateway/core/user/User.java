package one.derailed.gateway.core.user;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * User is one user's process, placed by Cluster Sharding: it knows every live session of the user, wherever it runs,
 * and hands user-wide events (DMs, USER_UPDATE, GUILD_CREATE of a guild joined) to all of them.
 */
public final class User extends AbstractBehavior<User.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "User");

    /**
     * The event the API publishes to a user who was suspended or deleted or whose password changed: it reaches no
     * client; every session of the user closes with 4004 (docs/grpc.md).
     */
    public static final String SESSIONS_REVOKED = "SESSIONS_REVOKED";

    public sealed interface Command extends CborSerializable {}

    /**
     * A session of the user; {@code intents} decide which direct events it receives, its shard which guilds it
     * joins (user-wide events go to shard 0 only).
     */
    public record Attach(ActorRef<Relay.Command> relay, long session, int intents, int shardId, int shardCount)
            implements Command {}

    /** The user became a member of a guild; {@code member} is the encoded member object, or null to load it. */
    public record JoinedGuild(long guildId, byte[] member) implements Command {}

    public record Detach(ActorRef<Relay.Command> relay, long session) implements Command {}

    /**
     * A session moved to another node: {@code attach} takes the place of the old one, and the old node hears
     * {@link Relay.Drained} after everything this user sent there.
     */
    public record Move(ActorRef<Relay.Command> relay, long session, Attach attach) implements Command {}

    /** A node with sessions of this user is gone (crashed, or left without handing them over). */
    private record NodeLost(ActorRef<Relay.Command> relay) implements Command {}

    /** An event for every session of the user; answered once handed to the nodes. */
    public record Publish(String event, byte[] data, ActorRef<Delivered> replyTo) implements Command {}

    /** The answer to a Publish: how many sessions it went to. */
    public record Delivered(int sessions) implements CborSerializable {}

    /** A session of this user wants to start (IDENTIFY passed the token check); bots are held to max_concurrency. */
    public record StartSession(boolean bot, int shardId, ActorRef<StartAnswer> replyTo) implements Command {}

    /** Whether the session may start; {@code retryAfterMillis} tells a refused one when to try again. */
    public record StartAnswer(StartOutcome outcome, long retryAfterMillis) implements CborSerializable {}

    public enum StartOutcome { STARTED, TOO_FAST, LIMIT_REACHED }

    /** The user's session start budget, as GET /api/v10/gateway/bot reports it. */
    public record GetStartLimit(ActorRef<StartLimit> replyTo) implements Command {}

    public record StartLimit(int total, int remaining, long resetAfterMillis, int maxConcurrency)
            implements CborSerializable {}

    /** The limits on starting sessions (REFERENCE.md §1: 1000 per 24 h, max_concurrency per 5 s). */
    public record StartLimits(int total, Duration window, int maxConcurrency, Duration identifyInterval) {}

    private enum IdleTimeout implements Command { INSTANCE }

    public static Behavior<Command> create(long userId, ActorRef<ClusterSharding.ShardCommand> shard,
                                           Duration idleTimeout, StartLimits limits, GatewayMetrics metrics) {
        return Behaviors.setup(context -> {
            metrics.userStarted();
            return new User(context, userId, shard, idleTimeout, limits, metrics);
        });
    }

    private final long userId;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Duration idleTimeout;
    private final StartLimits limits;
    /** When each session of the current window started, oldest first (at most limits.total entries). */
    private final java.util.ArrayDeque<Long> starts = new java.util.ArrayDeque<>();
    /** When each identify bucket (shard_id % max_concurrency) last started a session. */
    private final Map<Integer, Long> lastStartByBucket = new HashMap<>();
    private final Map<ActorRef<Relay.Command>, Map<Long, Attach>> sessions = new HashMap<>();

    private final GatewayMetrics metrics;

    private User(ActorContext<Command> context, long userId, ActorRef<ClusterSharding.ShardCommand> shard,
                 Duration idleTimeout, StartLimits limits, GatewayMetrics metrics) {
        super(context);
        this.userId = userId;
        this.metrics = metrics;
        this.shard = shard;
        this.idleTimeout = idleTimeout;
        this.limits = limits;
        context.setReceiveTimeout(idleTimeout, IdleTimeout.INSTANCE);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::onCommand)
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
                    metrics.userStopped();
                    return this;
                })
                .build();
    }

    /** One case and a switch: a builder case per message type is an object per user, and users are many. */
    private Behavior<Command> onCommand(Command command) {
        return switch (command) {
            case Attach attach -> onAttach(attach);
            case Detach detach -> onDetach(detach);
            case Move move -> onMove(move);
            case NodeLost lost -> onNodeLost(lost);
            case Publish publish -> onPublish(publish);
            case JoinedGuild joined -> onJoinedGuild(joined);
            case StartSession start -> onStartSession(start);
            case GetStartLimit get -> onGetStartLimit(get);
            case IdleTimeout timeout -> onIdleTimeout(timeout);
        };
    }

    private Behavior<Command> onAttach(Attach attach) {
        attach(attach);
        return this;
    }

    private void attach(Attach attach) {
        if (!sessions.containsKey(attach.relay())) {
            getContext().watchWith(attach.relay(), new NodeLost(attach.relay()));
        }
        sessions.computeIfAbsent(attach.relay(), r -> new HashMap<>()).put(attach.session(), attach);
        attach.relay().tell(new Relay.Attached(attach.session(), userId, getContext().getSelf()));
        getContext().cancelReceiveTimeout();
    }

    private Behavior<Command> onDetach(Detach detach) {
        detach(detach.relay(), detach.session());
        return this;
    }

    private void detach(ActorRef<Relay.Command> relay, long session) {
        Map<Long, Attach> onNode = sessions.get(relay);
        if (onNode != null && onNode.remove(session) != null && onNode.isEmpty()) {
            sessions.remove(relay);
            getContext().unwatch(relay);
        }
        if (sessions.isEmpty()) {
            getContext().setReceiveTimeout(idleTimeout, IdleTimeout.INSTANCE);
        }
    }

    private Behavior<Command> onMove(Move move) {
        attach(move.attach());
        detach(move.relay(), move.session());
        move.relay().tell(new Relay.Drained(move.session(), userId));
        return this;
    }

    private Behavior<Command> onNodeLost(NodeLost lost) {
        Map<Long, Attach> gone = sessions.remove(lost.relay());
        getContext().getLog().info("user {}: a node left with {} of its sessions", userId,
                gone == null ? 0 : gone.size());
        if (sessions.isEmpty()) {
            getContext().setReceiveTimeout(idleTimeout, IdleTimeout.INSTANCE);
        }
        return this;
    }

    /**
     * A user-wide event goes to the user's sessions on shard 0 whose intents allow it. GUILD_CREATE (what the
     * Derailed API sends a user who joined a guild) instead makes the sessions subscribe to that guild, which answers
     * each with its own GUILD_CREATE.
     */
    private Behavior<Command> onPublish(Publish publish) {
        if (publish.event().equals(SESSIONS_REVOKED)) {
            publish.replyTo().tell(new Delivered(revokeSessions()));
            return this;
        }
        if (publish.event().equals("GUILD_CREATE")) {
            long guildId = guildIdOf(publish.data());
            int count = guildId == 0 ? 0 : join(guildId, null);
            publish.replyTo().tell(new Delivered(count));
            return this;
        }
        int required = Intents.requiredForDirect(publish.event());
        int count = 0;
        for (Map.Entry<ActorRef<Relay.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().values().stream()
                    .filter(session -> session.shardId() == 0 && Intents.allows(session.intents(), required))
                    .mapToLong(Attach::session).toArray();
            if (numbers.length > 0) {
                node.getKey().tell(new Relay.Deliver(numbers, publish.event(), publish.data()));
                count += numbers.length;
            }
        }
        publish.replyTo().tell(new Delivered(count));
        return this;
    }

    /** Tells every session of the user, connected or awaiting RESUME, to close with 4004; returns how many. */
    private int revokeSessions() {
        int count = 0;
        for (Map.Entry<ActorRef<Relay.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().keySet().stream().mapToLong(Long::longValue).toArray();
            node.getKey().tell(new Relay.Revoke(numbers));
            count += numbers.length;
        }
        getContext().getLog().info("user {}: {} sessions revoked", userId, count);
        return count;
    }

    private Behavior<Command> onJoinedGuild(JoinedGuild joined) {
        join(joined.guildId(), joined.member());
        return this;
    }

    /** Tells the sessions whose shard owns the guild to subscribe to it; returns how many. */
    private int join(long guildId, byte[] member) {
        int count = 0;
        for (Map.Entry<ActorRef<Relay.Command>, Map<Long, Attach>> node : sessions.entrySet()) {
            long[] numbers = node.getValue().values().stream()
                    .filter(session -> (int) ((guildId >>> 22) % session.shardCount()) == session.shardId())
                    .mapToLong(Attach::session).toArray();
            if (numbers.length > 0) {
                node.getKey().tell(new Relay.Join(numbers, guildId, member));
                count += numbers.length;
            }
        }
        return count;
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
    private Behavior<Command> onStartSession(StartSession start) {
        long now = System.currentTimeMillis();
        forgetExpiredStarts(now);
        if (starts.size() >= limits.total()) {
            start.replyTo().tell(new StartAnswer(StartOutcome.LIMIT_REACHED,
                    starts.peekFirst() + limits.window().toMillis() - now));
            return this;
        }
        if (start.bot()) {
            lastStartByBucket.values().removeIf(last -> now - last >= limits.identifyInterval().toMillis());
            int bucket = Math.floorMod(start.shardId(), limits.maxConcurrency());
            Long last = lastStartByBucket.get(bucket);
            long interval = limits.identifyInterval().toMillis();
            if (last != null && now - last < interval) {
                start.replyTo().tell(new StartAnswer(StartOutcome.TOO_FAST, last + interval - now));
                return this;
            }
            lastStartByBucket.put(bucket, now);
        }
        starts.addLast(now);
        start.replyTo().tell(new StartAnswer(StartOutcome.STARTED, 0));
        return this;
    }

    private Behavior<Command> onGetStartLimit(GetStartLimit get) {
        long now = System.currentTimeMillis();
        forgetExpiredStarts(now);
        long resetAfter = starts.isEmpty() ? limits.window().toMillis()
                : starts.peekFirst() + limits.window().toMillis() - now;
        get.replyTo().tell(new StartLimit(limits.total(), limits.total() - starts.size(), resetAfter,
                limits.maxConcurrency()));
        return this;
    }

    private void forgetExpiredStarts(long now) {
        while (!starts.isEmpty() && starts.peekFirst() + limits.window().toMillis() <= now) {
            starts.removeFirst();
        }
    }

    /** A user with sessions, or with starts still counting against the window, stays; the counters must not reset. */
    private Behavior<Command> onIdleTimeout(IdleTimeout timeout) {
        forgetExpiredStarts(System.currentTimeMillis());
        if (sessions.isEmpty() && starts.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }
}
