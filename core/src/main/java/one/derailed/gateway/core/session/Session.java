package one.derailed.gateway.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.guild.Guild;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.json.DiscordObjects;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyWorker;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.user.User;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.ServerFrames;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Session is one client session: who the user is, what it may receive, its guilds, and the sequence number of its
 * dispatches. The socket handler only decodes frames and hands them here; everything a client sees after HELLO is
 * decided and numbered by its Session. A Session lives on the node that accepted its socket.
 */
public final class Session extends AbstractBehavior<Session.Command> {

    public sealed interface Command {}

    /** A decoded frame from the client. */
    public record FromClient(Connection connection, ClientPayload payload)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * A socket of this session is gone. {@code closeCode} is the code of the close; {@code byClient} says whether the
     * client sent it (1006 for a drop) or the server did.
     */
    public record ConnectionClosed(Connection connection, int closeCode, boolean byClient)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * What guilds and users send a session through its relay. A moving session passes these on to its new node in
     * the order they came, wrapped in {@link Handed}, so they carry their type across.
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({@JsonSubTypes.Type(value = Dispatch.class, name = "dispatch"),
            @JsonSubTypes.Type(value = GuildAvailable.class, name = "guild-available"),
            @JsonSubTypes.Type(value = GuildGone.class, name = "guild-gone"),
            @JsonSubTypes.Type(value = JoinGuild.class, name = "join-guild"),
            @JsonSubTypes.Type(value = Resubscribe.class, name = "resubscribe"),
            @JsonSubTypes.Type(value = Reattach.class, name = "reattach"),
            @JsonSubTypes.Type(value = Drained.class, name = "drained"),
            @JsonSubTypes.Type(value = Revoked.class, name = "revoked")})
    public sealed interface Delivery extends Command, NoSerializationVerificationNeeded {}

    /** The user joined a guild: subscribe to it. {@code member} is the encoded member object, or null to load it. */
    public record JoinGuild(long guildId, byte[] member) implements Delivery {}

    /** The guild's incarnation this session subscribed to is gone: subscribe to the next one, quietly. */
    public record Resubscribe(long guildId) implements Delivery {}

    /** The user's entity this session attached to is gone: attach to the next one. */
    public record Reattach() implements Delivery {
        public static final Reattach INSTANCE = new Reattach();
    }

    /** The guild or user {@code source} sends nothing more to this session's old node (see {@link Relay.Drained}). */
    public record Drained(long source) implements Delivery {}

    /** The user may no longer connect (the API revoked their sessions): close with 4004 and end. */
    public record Revoked() implements Delivery {
        public static final Revoked INSTANCE = new Revoked();
    }

    /** A delivery that reached this session's old node, passed on by it after the session moved here. */
    public record Handed(Delivery delivery) implements Command, CborSerializable {}

    /**
     * Move this session to the node of {@code target}, because its client asked to resume there with {@code token}
     * (checked first), or, with a null token, because this node is leaving.
     */
    public record MoveTo(ActorRef<SessionHandoff.Command> target, String token)
            implements Command, NoSerializationVerificationNeeded {}

    /** The session's new incarnation, started from its snapshot, is {@code session}: pass deliveries on to it. */
    public record AdoptedBy(ActorRef<Command> session) implements Command, CborSerializable {}

    /** The move did not happen (the target is gone or refused): stay here as before. */
    public record AdoptionFailed(String reason) implements Command, CborSerializable {}

    /**
     * Everything a session is, as it moves to another node: who, what it may receive, where it is subscribed, and
     * its numbering and replay buffer, so the client resumes there exactly. {@code relay}, {@code number} and
     * {@code session} name its old place.
     */
    public record Snapshot(String sessionId, UserRecord user, int intents, Presence presence, int largeThreshold,
                           int shardId, int shardCount, long[] guilds, long seq, List<ReplayBuffer.Entry> replay,
                           long resumeWindowLeftMillis, ActorRef<Relay.Command> relay, long number,
                           ActorRef<Command> session) implements CborSerializable {}

    /** The client on {@code connection} says in a heartbeat that it has every dispatch up to {@code seq}. */
    public record Acknowledged(Connection connection, long seq)
            implements Command, NoSerializationVerificationNeeded {}

    /** A client asks, on {@code connection}, to resume this session (op 6). */
    public record Resume(Connection connection, ClientPayload.Resume resume)
            implements Command, NoSerializationVerificationNeeded {}

    /**
     * The node holds more for its clients than its bound and closing slow sockets did not cover it: a session whose
     * client is away gives up its replay buffer and ends (a later RESUME gets op 9); a connected one carries on.
     */
    public enum Reclaim implements Command, NoSerializationVerificationNeeded { INSTANCE }

    /** Asks for the replay buffer's accounting. */
    public record GetBufferStats(ActorRef<BufferStats> replyTo) implements Command, NoSerializationVerificationNeeded {}

    /** The replay buffer's accounting; {@code peakBytes} never passes {@code maxBytes}. */
    public record BufferStats(int events, long bytes, int peakEvents, long peakBytes, int maxEvents, long maxBytes,
                              long evicted, boolean connected) {}

    /** An event for this session (from its relay); {@code data} is shared with every other recipient. */
    public record Dispatch(String event, byte[] data) implements Delivery {}

    /** A guild accepted this session's subscription. */
    public record GuildAvailable(long guildId, byte[] guildCreate) implements Delivery {}

    /** A guild dropped this session: the user left it, or it is unavailable. */
    public record GuildGone(long guildId, boolean unavailable) implements Delivery {}

    private record ReadyAnswered(int attempt, ReadyWorker.Result result, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private record ResumeChecked(Resume request, long attempt, int tries, ReadyWorker.Result result,
                                 Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private record MemberLoaded(long guildId, boolean quiet, ReadyWorker.Result result, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private record StartDecided(ReadyWorker.Loaded loaded, User.StartAnswer answer, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private enum ResumeWindowOver implements Command, NoSerializationVerificationNeeded { INSTANCE }

    private enum HandoffTimedOut implements Command, NoSerializationVerificationNeeded { INSTANCE }

    private record MoveChecked(MoveTo request, ReadyWorker.Result result, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    /** What a session needs from its node. */
    public record Services(SessionDirectory directory, ActorRef<ReadyWorker.Command> ready, ClusterSharding sharding,
                           ActorRef<Relay.Command> relay, Duration readyTimeout, int privilegedIntentsForBots,
                           String resumeGatewayUrl, Duration resumeTimeout, int replayMaxEvents,
                           long replayMaxBytes, Duration handoffTimeout, boolean readyIsLocal,
                           GatewayMetrics metrics) {}

    public static Behavior<Command> create(Services services, SessionDirectory.SessionIdentity identity,
                                           Connection connection, ClientPayload.Identify identify) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new Session(context, timers, services, identity, connection, identify)));
    }

    /** The session described by {@code snapshot}, moved here from another node and waiting for its client. */
    public static Behavior<Command> adopt(Services services, SessionDirectory.SessionIdentity identity,
                                          Snapshot snapshot) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new Session(context, timers, services, identity, snapshot)));
    }

    private final Services services;
    private final SessionDirectory.SessionIdentity identity;
    /** What the client identified with; null for a session that moved here, which has all it needs from it. */
    private final ClientPayload.Identify identify;
    private int largeThreshold;
    private int shardId;
    private int shardCount = 1;
    private final TimerScheduler<Command> timers;
    private final ReplayBuffer replay;
    private Connection connection;
    private final Set<Long> guilds = new HashSet<>();
    private UserRecord user;
    private int intents;
    private Presence presence;
    private long seq;
    private boolean overflowedWhileAway;
    private long resumeAttempts;
    private boolean identifyAnswered;
    /** Moving away: deliveries that came before the new incarnation answered, and where they now go. */
    private boolean moving;
    private ActorRef<Command> movedTo;
    /** Drain markers still to come: on the old node until it may stop, on the new one until it is in order. */
    private int drainsLeft;
    /** Arrived by move: deliveries sent straight here, held until every source drained its old path. */
    private boolean draining;
    private final List<Delivery> held = new ArrayList<>();
    private static final byte[] RESUMED_DATA = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Session(ActorContext<Command> context, TimerScheduler<Command> timers, Services services,
                    SessionDirectory.SessionIdentity identity, Connection connection,
                    ClientPayload.Identify identify) {
        super(context);
        this.timers = timers;
        this.replay = new ReplayBuffer(services.replayMaxEvents(), services.replayMaxBytes());
        this.services = services;
        this.identity = identity;
        this.connection = connection;
        this.identify = identify;
        this.largeThreshold = identify.largeThreshold();
        services.directory().add(identity, context.getSelf());
        askToLoad(1);
    }

    /**
     * Where Ready is reached through the cluster (a node without the ready role), an ask may be lost: the router can
     * pick the workers of a node that just crashed or left, which stay listed until the cluster notices. There each
     * ask gets half the ready timeout and a second try. A node's own pool loses nothing, and a retry there would only
     * queue the same work twice when the workers are behind, so it asks once with the whole timeout.
     */
    private int readyTries() {
        return services.readyIsLocal() ? 1 : 2;
    }

    private Duration readyTryTimeout() {
        return services.readyTimeout().dividedBy(readyTries());
    }

    private void askToLoad(int attempt) {
        getContext().ask(ReadyWorker.Result.class, services.ready(), readyTryTimeout(),
                replyTo -> new ReadyWorker.Load(identify.token(), ReadyWorker.deadlineIn(readyTryTimeout()), replyTo),
                (result, failure) -> new ReadyAnswered(attempt, result, failure));
    }

    /**
     * A session arriving from another node takes its old place in each guild and in its user, which tell the old
     * node when they stopped sending there; until all have, what they send here waits behind what they sent there.
     */
    private Session(ActorContext<Command> context, TimerScheduler<Command> timers, Services services,
                    SessionDirectory.SessionIdentity identity, Snapshot snapshot) {
        super(context);
        this.timers = timers;
        this.services = services;
        this.identity = identity;
        this.identify = null;
        this.replay = new ReplayBuffer(services.replayMaxEvents(), services.replayMaxBytes());
        this.connection = null;
        this.user = snapshot.user();
        this.intents = snapshot.intents();
        this.presence = snapshot.presence();
        this.largeThreshold = snapshot.largeThreshold();
        this.shardId = snapshot.shardId();
        this.shardCount = snapshot.shardCount();
        this.seq = snapshot.seq();
        for (ReplayBuffer.Entry entry : snapshot.replay()) {
            replay.add(entry.seq(), entry.event(), entry.data());
        }
        services.metrics().replayBuffer(replay.bytes(), replay.events());
        for (long guildId : snapshot.guilds()) {
            guilds.add(guildId);
        }
        services.directory().add(identity, context.getSelf());
        draining = true;
        drainsLeft = guilds.size() + 1;
        for (long guildId : guilds) {
            guild(guildId).tell(new Guild.Move(snapshot.relay(), snapshot.number(), services.relay(),
                    identity.number(), user.id(), intents));
        }
        userEntity(user.id()).tell(new User.Move(snapshot.relay(), snapshot.number(), attachment()));
        snapshot.session().tell(new AdoptedBy(context.getSelf()));
        timers.startSingleTimer(HandoffTimedOut.INSTANCE, services.handoffTimeout());
        timers.startSingleTimer(ResumeWindowOver.INSTANCE,
                Duration.ofMillis(Math.max(1, snapshot.resumeWindowLeftMillis())));
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Guild.Command> guild(long guildId) {
        return services.sharding().entityRefFor(Guild.TYPE_KEY, Long.toString(guildId));
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<User.Command> userEntity(long userId) {
        return services.sharding().entityRefFor(User.TYPE_KEY, Long.toString(userId));
    }

    private long[] guildIds() {
        return guilds.stream().mapToLong(Long::longValue).toArray();
    }

    /** Applies the held deliveries in the order they came, with {@code handling}, and forgets them. */
    private Behavior<Command> releaseHeld(java.util.function.Function<Delivery, Behavior<Command>> handling) {
        Behavior<Command> next = this;
        for (Delivery waiting : held) {
            next = handling.apply(waiting);
        }
        held.clear();
        return next;
    }

    private User.Attach attachment() {
        return new User.Attach(services.relay(), identity.number(), intents, shardId, shardCount);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::onCommand)
                .onSignal(PostStop.class, signal -> onStop())
                .build();
    }

    /**
     * One case and a switch instead of a ReceiveBuilder case per message type: the builder's cases are objects made
     * for every actor, about 1 KiB per session when there are hundreds of thousands of sessions.
     */
    private Behavior<Command> onCommand(Command command) {
        return switch (command) {
            case Delivery delivery -> onDelivery(delivery);
            case FromClient frame -> onFromClient(frame);
            case Acknowledged acknowledged -> onAcknowledged(acknowledged);
            case ReadyAnswered answered -> onReadyAnswered(answered);
            case StartDecided decided -> onStartDecided(decided);
            case Handed handed -> onHanded(handed);
            case MoveTo move -> onMoveTo(move);
            case MoveChecked checked -> onMoveChecked(checked);
            case AdoptedBy adopted -> onAdoptedBy(adopted);
            case AdoptionFailed failed -> onAdoptionFailed(failed);
            case HandoffTimedOut timedOut -> onHandoffTimedOut(timedOut);
            case MemberLoaded loaded -> onMemberLoaded(loaded);
            case ConnectionClosed closed -> onConnectionClosed(closed);
            case Resume resume -> onResume(resume);
            case ResumeChecked checked -> onResumeChecked(checked);
            case ResumeWindowOver over -> endSession("resume window over");
            case GetBufferStats get -> onGetBufferStats(get);
            case Reclaim reclaim -> connection == null && user != null && !moving && !draining
                    ? endSession("the node is over its client-bytes bound while the client is away") : this;
        };
    }

    /**
     * The client has every dispatch up to {@code seq} (its heartbeat says so), and a RESUME never asks for less than
     * it has: those dispatches leave the replay buffer. An idle session so keeps nothing after its first heartbeat.
     */
    private Behavior<Command> onAcknowledged(Acknowledged acknowledged) {
        if (acknowledged.connection() == connection) {
            long bytesBefore = replay.bytes();
            int eventsBefore = replay.events();
            replay.dropUpTo(Math.min(acknowledged.seq(), seq));
            services.metrics().replayBuffer(replay.bytes() - bytesBefore, replay.events() - eventsBefore);
        }
        return this;
    }

    private Behavior<Command> onReadyAnswered(ReadyAnswered answered) {
        if (identifyAnswered) {
            return this; // a first try that answered after its retry
        }
        if (answered.failure() != null && answered.attempt() < readyTries()) {
            askToLoad(answered.attempt() + 1);
            return this;
        }
        identifyAnswered = true;
        if (answered.failure() != null) {
            getContext().getLog().warn("session {}: ready did not answer: {}", identity.sessionId(),
                    answered.failure().toString());
            return closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not identify you in time; try again");
        }
        return switch (answered.result()) {
            case ReadyWorker.Rejected rejected -> closeWith(CloseCode.AUTHENTICATION_FAILED, rejected.reason());
            case ReadyWorker.Unavailable unavailable -> closeWith(CloseCode.UNKNOWN_ERROR, unavailable.reason());
            case ReadyWorker.Loaded loaded -> onIdentified(loaded);
            default -> closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not identify you; try again");
        };
    }

    private Behavior<Command> onIdentified(ReadyWorker.Loaded loaded) {
        UserRecord loadedUser = loaded.user();
        if (loadedUser.bot() && identify.intents() == null) {
            return closeWith(CloseCode.INVALID_INTENTS, "bots must send intents in IDENTIFY");
        }
        int asked = identify.intents() == null ? Intents.ALL : identify.intents();
        int refused = loadedUser.bot() ? asked & Intents.PRIVILEGED & ~services.privilegedIntentsForBots() : 0;
        if (refused != 0) {
            return closeWith(CloseCode.DISALLOWED_INTENTS, "privileged intents not granted to this bot: " + refused);
        }
        intents = asked;
        getContext().ask(User.StartAnswer.class,
                userEntity(loadedUser.id()),
                services.readyTimeout(),
                replyTo -> new User.StartSession(loadedUser.bot(), identify.shard() == null ? 0 : identify.shard().id(),
                        replyTo),
                (answer, failure) -> new StartDecided(loaded, answer, failure));
        return this;
    }

    /**
     * The user's entity counts session starts across all their connections: too fast for a bot's max_concurrency
     * answers op 9 (the socket stays, free to identify again later); past the daily limit closes with 4008.
     */
    private Behavior<Command> onStartDecided(StartDecided decided) {
        if (decided.failure() != null) {
            return closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not start your session in time; try again");
        }
        long retryAfter = decided.answer().retryAfterMillis();
        switch (decided.answer().outcome()) {
            case TOO_FAST -> {
                connection.send(ServerFrames.invalidSession(false));
                services.metrics().invalidSession();
                connection.attach(null);
                return Behaviors.stopped();
            }
            case LIMIT_REACHED -> {
                return closeWith(CloseCode.RATE_LIMITED, "session start limit reached; it resets in "
                        + (retryAfter + 999) / 1000 + " s");
            }
            case STARTED -> {
                return ready(decided.loaded());
            }
        }
        return this;
    }

    private Behavior<Command> ready(ReadyWorker.Loaded loaded) {
        user = loaded.user();
        ClientPayload.PresenceUpdate asSent = identify.presence();
        presence = new Presence(asSent != null ? asSent.status() : loaded.status(),
                asSent != null ? asSent.activitiesJson() : "[]",
                Presence.Platform.of(identify.properties()));

        ClientPayload.Shard shard = identify.shard();
        shardId = shard == null ? 0 : shard.id();
        shardCount = shard == null ? 1 : shard.count();
        List<MemberRecord> mine = new ArrayList<>();
        for (MemberRecord membership : loaded.memberships()) {
            if (shard == null || shard.owns(membership.guildId())) {
                mine.add(membership);
            }
        }
        dispatch("READY", DiscordObjects.ready(user, mine.stream().map(MemberRecord::guildId).toList(),
                identity.sessionId(), services.resumeGatewayUrl(),
                shard == null ? null : new int[] {shard.id(), shard.count()}));
        for (MemberRecord membership : mine) {
            subscribe(membership);
        }
        userEntity(user.id()).tell(attachment());
        return this;
    }

    private void subscribe(MemberRecord membership) {
        subscribe(membership, false);
    }

    private void subscribe(MemberRecord membership, boolean quiet) {
        subscribe(membership.guildId(), DiscordObjects.bytes(DiscordObjects.member(membership)),
                DiscordObjects.timestamp(membership.joinedAt()), quiet);
    }

    private void subscribe(long guildId, byte[] member, String joinedAt, boolean quiet) {
        guilds.add(guildId);
        guild(guildId).tell(new Guild.Subscribe(services.relay(), identity.number(), user.id(), intents, member,
                joinedAt, presence, largeThreshold, quiet));
    }

    private Behavior<Command> onJoinGuild(JoinGuild join) {
        if (user == null || guilds.contains(join.guildId())) {
            return this;
        }
        if (join.member() != null) {
            JsonNode member = one.derailed.gateway.protocol.Json.readOrMissing(join.member());
            subscribe(join.guildId(), join.member(), member.path("joined_at").asText(null), false);
        } else {
            loadMember(join.guildId(), false);
        }
        return this;
    }

    private void loadMember(long guildId, boolean quiet) {
        getContext().ask(ReadyWorker.Result.class, services.ready(), services.readyTimeout(),
                replyTo -> new ReadyWorker.LoadMember(guildId, user.id(),
                        ReadyWorker.deadlineIn(services.readyTimeout()), replyTo),
                (result, failure) -> new MemberLoaded(guildId, quiet, result, failure));
    }

    /** The guild this session was subscribed to is a new incarnation now: renew, without telling the client. */
    private void resubscribe(long guildId) {
        if (user != null && guilds.contains(guildId)) {
            loadMember(guildId, true);
        }
    }

    /**
     * A member object to subscribe with. A renewal that finds the user no longer a member ends the subscription
     * as a removal would.
     */
    private Behavior<Command> onMemberLoaded(MemberLoaded loaded) {
        boolean found = loaded.result() instanceof ReadyWorker.MembersFound members && !members.members().isEmpty();
        if (found && loaded.quiet() == guilds.contains(loaded.guildId())) {
            subscribe(((ReadyWorker.MembersFound) loaded.result()).members().get(0), loaded.quiet());
        } else if (loaded.quiet() && loaded.result() instanceof ReadyWorker.MembersFound) {
            onGuildGone(new GuildGone(loaded.guildId(), false));
        } else if (loaded.failure() != null || loaded.result() instanceof ReadyWorker.Unavailable) {
            getContext().getLog().warn("session {} could not load its member object in guild {}",
                    identity.sessionId(), loaded.guildId());
        }
        return this;
    }

    /**
     * Moving away, deliveries go on to the new incarnation (held until it answers); just arrived, the ones sent
     * here directly wait until every source has drained what it sent to the old node.
     */
    private Behavior<Command> onDelivery(Delivery delivery) {
        if (moving) {
            if (movedTo == null) {
                held.add(delivery);
                return this;
            }
            return passOn(delivery);
        }
        if (draining) {
            if (held.size() >= services.replayMaxEvents()) {
                return closeWith(CloseCode.SESSION_TIMED_OUT, "the session could not be moved in order; identify again");
            }
            held.add(delivery);
            return this;
        }
        return apply(delivery);
    }

    private Behavior<Command> onHanded(Handed handed) {
        if (!(handed.delivery() instanceof Drained)) {
            return apply(handed.delivery());
        }
        if (draining && --drainsLeft == 0) {
            draining = false;
            timers.cancel(HandoffTimedOut.INSTANCE);
            return releaseHeld(this::apply);
        }
        return this;
    }

    private Behavior<Command> apply(Delivery delivery) {
        switch (delivery) {
            case Dispatch event -> dispatch(event.event(), event.data());
            case GuildAvailable available -> onGuildAvailable(available);
            case GuildGone gone -> onGuildGone(gone);
            case JoinGuild join -> onJoinGuild(join);
            case Resubscribe renew -> resubscribe(renew.guildId());
            case Reattach reattach -> {
                if (user != null) {
                    userEntity(user.id()).tell(attachment());
                }
            }
            case Drained stray -> getContext().getLog().debug("session {}: stray drain marker from {}",
                    identity.sessionId(), stray.source());
            case Revoked revoked -> {
                return closeWith(CloseCode.AUTHENTICATION_FAILED, ReadyWorker.Rejected.REASON);
            }
        }
        return this;
    }

    /**
     * A client resumes on another node (after its token is checked), or this node leaves: the session's state goes
     * to {@code target}'s node, and from then on this incarnation only passes deliveries on.
     */
    private Behavior<Command> onMoveTo(MoveTo move) {
        if (user == null || moving || draining) {
            move.target().tell(new SessionHandoff.Refused(identity.sessionId(), moving || draining));
            return this;
        }
        if (move.token() == null) {
            return startMove(move.target());
        }
        getContext().ask(ReadyWorker.Result.class, services.ready(), services.readyTimeout(),
                replyTo -> new ReadyWorker.Authenticate(move.token(), ReadyWorker.deadlineIn(services.readyTimeout()),
                        replyTo),
                (result, failure) -> new MoveChecked(move, result, failure));
        return this;
    }

    private Behavior<Command> onMoveChecked(MoveChecked checked) {
        boolean owner = checked.failure() == null && checked.result() instanceof ReadyWorker.Authenticated ok
                && ok.userId() == user.id();
        if (!owner || moving || draining) {
            checked.request().target().tell(new SessionHandoff.Refused(identity.sessionId(), owner));
            return this;
        }
        return startMove(checked.request().target());
    }

    private Behavior<Command> startMove(ActorRef<SessionHandoff.Command> target) {
        if (connection != null) {
            connection.close(CloseCode.UNKNOWN_ERROR, "this session was resumed on another connection");
            connection = null;
        }
        moving = true;
        drainsLeft = guilds.size() + 1;
        timers.cancel(ResumeWindowOver.INSTANCE);
        timers.startSingleTimer(HandoffTimedOut.INSTANCE, services.handoffTimeout());
        target.tell(new SessionHandoff.Adopt(new Snapshot(identity.sessionId(), user, intents, presence,
                largeThreshold, shardId, shardCount, guildIds(), seq,
                replay.entries(), services.resumeTimeout().toMillis(), services.relay(), identity.number(),
                getContext().getSelf())));
        return this;
    }

    private Behavior<Command> onAdoptedBy(AdoptedBy adopted) {
        if (!moving || movedTo != null) {
            return this;
        }
        movedTo = adopted.session();
        return releaseHeld(this::passOn);
    }

    private Behavior<Command> passOn(Delivery delivery) {
        movedTo.tell(new Handed(delivery));
        if (delivery instanceof Drained && --drainsLeft == 0) {
            return endSession("moved to " + movedTo.path().address());
        }
        return this;
    }

    /** The move failed before anything was handed over: this incarnation is the session again. */
    private Behavior<Command> onAdoptionFailed(AdoptionFailed failed) {
        if (!moving || movedTo != null) {
            return this;
        }
        getContext().getLog().info("session {} stays: {}", identity.sessionId(), failed.reason());
        moving = false;
        timers.cancel(HandoffTimedOut.INSTANCE);
        timers.startSingleTimer(ResumeWindowOver.INSTANCE, services.resumeTimeout());
        return releaseHeld(this::apply);
    }

    /**
     * Markers that never came mean events that may be lost: the old node died mid-move. The session ends rather
     * than resume with a gap; its client identifies anew.
     */
    private Behavior<Command> onHandoffTimedOut(HandoffTimedOut timedOut) {
        if (moving && movedTo == null) {
            return onAdoptionFailed(new AdoptionFailed("the target node did not answer"));
        }
        if (moving) {
            return endSession("moved, some sources never drained");
        }
        if (draining) {
            getContext().getLog().warn("session {}: {} sources never drained after the move; it ends",
                    identity.sessionId(), drainsLeft);
            return closeWith(CloseCode.SESSION_TIMED_OUT, "the session could not be moved in order; identify again");
        }
        return this;
    }

    private Behavior<Command> onGuildAvailable(GuildAvailable available) {
        if (guilds.contains(available.guildId())) {
            dispatch("GUILD_CREATE", available.guildCreate());
        }
        return this;
    }

    private Behavior<Command> onGuildGone(GuildGone gone) {
        if (guilds.remove(gone.guildId())) {
            String d = "{\"id\":\"" + gone.guildId() + "\"" + (gone.unavailable() ? ",\"unavailable\":true}" : "}");
            dispatch("GUILD_DELETE", d.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return this;
    }

    private Behavior<Command> onFromClient(FromClient frame) {
        if (frame.connection() != connection) {
            return this;
        }
        switch (frame.payload()) {
            case ClientPayload.PresenceUpdate update -> updatePresence(update);
            case ClientPayload.RequestGuildMembers request ->
                    MemberRequest.start(getContext(), services, connection, intents, guilds.contains(request.guildId()),
                            request);
            case ClientPayload.VoiceStateUpdate voice ->
                    getContext().getLog().debug("voice state update ignored: this gateway serves no voice");
            default -> getContext().getLog().debug("session {} has no handler for {}", identity.number(),
                    frame.payload().getClass().getSimpleName());
        }
        return this;
    }

    private void updatePresence(ClientPayload.PresenceUpdate update) {
        if (user == null) {
            return;
        }
        presence = presence.withStatus(update.status(), update.activitiesJson());
        for (long guildId : guilds) {
            guild(guildId).tell(new Guild.UpdatePresence(services.relay(), identity.number(), user.id(), presence));
        }
    }

    /**
     * The session ends when the client closed with 1000/1001 or the server closed with a code that forbids resuming;
     * any other loss (a drop, a resumable close, a zombie) keeps it for {@code resumeTimeout}, still subscribed
     * everywhere (so the user stays online) and buffering what it is sent.
     */
    private Behavior<Command> onConnectionClosed(ConnectionClosed closed) {
        if (closed.connection() != connection) {
            return this;
        }
        boolean ends = closed.byClient() ? CloseCode.endsSession(closed.closeCode())
                : !CloseCode.resumableAfterServerClose(closed.closeCode());
        if (ends || user == null) {
            return Behaviors.stopped();
        }
        connection = null;
        timers.startSingleTimer(ResumeWindowOver.INSTANCE, services.resumeTimeout());
        return this;
    }

    private Behavior<Command> onResume(Resume request) {
        if (user == null || moving) {
            request.connection().send(ServerFrames.invalidSession(false));
            services.metrics().invalidSession();
            return this;
        }
        askToAuthenticate(request, ++resumeAttempts, 1);
        return this;
    }

    private void askToAuthenticate(Resume request, long attempt, int tries) {
        getContext().ask(ReadyWorker.Result.class, services.ready(), readyTryTimeout(),
                replyTo -> new ReadyWorker.Authenticate(request.resume().token(),
                        ReadyWorker.deadlineIn(readyTryTimeout()), replyTo),
                (result, failure) -> new ResumeChecked(request, attempt, tries, result, failure));
    }

    /**
     * A resume succeeds only with a valid token of this session's user and a seq the buffer can continue from; the
     * new socket then gets every dispatch after seq, in order and with its first numbers, then RESUMED. Any failure
     * answers op 9 on the new socket and leaves the session as it was: a stranger cannot end or probe it.
     */
    private Behavior<Command> onResumeChecked(ResumeChecked checked) {
        Connection candidate = checked.request().connection();
        if (!candidate.isOpen()) {
            // The socket died while its token was checked; its close was never ours to hear. The client retries.
            return this;
        }
        if (checked.failure() != null && checked.tries() < readyTries() && checked.attempt() == resumeAttempts) {
            askToAuthenticate(checked.request(), checked.attempt(), checked.tries() + 1);
            return this;
        }
        if (checked.attempt() != resumeAttempts) {
            // Token checks run in parallel; an older attempt finishing late must not take over from a newer one.
            candidate.send(ServerFrames.invalidSession(false));
            services.metrics().invalidSession();
            return this;
        }
        boolean owner = checked.failure() == null && checked.result() instanceof ReadyWorker.Authenticated ok
                && ok.userId() == user.id();
        List<ReplayBuffer.Entry> missed = owner ? replay.after(checked.request().resume().seq(), seq) : null;
        if (missed == null) {
            getContext().getLog().debug("session {}: resume refused ({})", identity.sessionId(),
                    checked.failure() != null ? "token check failed: " + checked.failure()
                            : !owner ? "not this user's token" : "seq " + checked.request().resume().seq()
                            + " not covered (session at " + seq + ")");
            candidate.send(ServerFrames.invalidSession(false));
            services.metrics().invalidSession();
            return this;
        }
        if (connection != null) {
            connection.close(CloseCode.UNKNOWN_ERROR, "this session was resumed on another connection");
        }
        connection = candidate;
        connection.attach(getContext().getSelf());
        timers.cancel(ResumeWindowOver.INSTANCE);
        for (ReplayBuffer.Entry entry : missed) {
            connection.send(ServerFrames.dispatch(entry.seq(), entry.event(), entry.data()));
        }
        dispatch("RESUMED", RESUMED_DATA);
        services.metrics().resumed();
        return this;
    }

    private Behavior<Command> onGetBufferStats(GetBufferStats get) {
        get.replyTo().tell(new BufferStats(replay.events(), replay.bytes(), replay.peakEvents(), replay.peakBytes(),
                replay.maxEvents(), replay.maxBytes(), replay.evicted(), connection != null));
        return this;
    }

    private Behavior<Command> endSession(String why) {
        getContext().getLog().debug("session {} ends: {}", identity.sessionId(), why);
        return Behaviors.stopped();
    }

    private Behavior<Command> onStop() {
        services.directory().remove(identity);
        services.metrics().replayBuffer(-replay.bytes(), -replay.events());
        if (user != null) {
            services.relay().tell(new Relay.Forget(identity.number(),
                    guildIds(), user.id()));
        }
        if (user != null && movedTo == null) {
            for (long guildId : guilds) {
                guild(guildId).tell(new Guild.Unsubscribe(services.relay(), identity.number(), user.id()));
            }
            userEntity(user.id()).tell(new User.Detach(services.relay(), identity.number()));
        }
        return this;
    }

    /**
     * Numbers and sends a dispatch, keeping it for a resume. While the socket is away, a dispatch that pushes older
     * ones out of the buffer makes an exact resume impossible, so the session ends rather than resume with a gap.
     */
    private void dispatch(String event, byte[] data) {
        seq++;
        long bytesBefore = replay.bytes();
        int eventsBefore = replay.events();
        int evicted = replay.add(seq, event, data);
        services.metrics().replayBuffer(replay.bytes() - bytesBefore, replay.events() - eventsBefore);
        if (connection != null) {
            connection.send(ServerFrames.dispatch(seq, event, data));
        } else if (evicted > 0 && !overflowedWhileAway) {
            overflowedWhileAway = true;
            getContext().getSelf().tell(ResumeWindowOver.INSTANCE);
        }
    }

    private Behavior<Command> closeWith(CloseCode code, String reason) {
        if (connection != null) {
            connection.close(code, reason);
        }
        return Behaviors.stopped();
    }
}
