package one.derailed.gateway.core.relay;

import java.util.concurrent.atomic.AtomicLongArray;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.Guild;
import one.derailed.gateway.core.user.User;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.session.Session;
import one.derailed.gateway.core.session.SessionDirectory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Relay is the one door of a node's sessions: guilds and users send it one message per event carrying the numbers of
 * this node's recipients, and it hands the shared event to each local session (Discord's manifold: serialize once per
 * node, not once per session). Everything a guild or user sends a session passes through here, so it all keeps the
 * order it was sent in.
 *
 * <p>Handing one event to a million sessions is a million mailbox pushes, too many for one actor on one core, so the
 * relay routes each session's messages through one of its {@link RelayLane}s (chosen by the session's number, the
 * same lane every time, which keeps each session's order) and the lanes push in parallel. A small batch whose lanes
 * have nothing pending is handed out here directly: nothing sent earlier can still overtake it, and it saves a hop.
 */
public final class Relay extends AbstractBehavior<Relay.Command> {

    public sealed interface Command extends CborSerializable {}

    /** An event for the sessions numbered {@code sessions}; {@code data} is the shared JSON of {@code d}. */
    public record Deliver(long[] sessions, String event, byte[] data) implements Command {}

    /**
     * A guild accepted a session's subscription; {@code guildCreate} is that session's GUILD_CREATE, or null for a
     * subscription renewed or moved (the client has the guild already). {@code guild} is the guild's incarnation,
     * which the relay watches for the session.
     */
    public record Subscribed(long session, long guildId, byte[] guildCreate, ActorRef<Guild.Command> guild)
            implements Command {}

    /** The user's entity took the session's attach; the relay watches {@code user} for it. */
    public record Attached(long session, long userId, ActorRef<User.Command> user) implements Command {}

    /** The sessions must subscribe to the guild again, quietly: the guild they had is gone or never knew them. */
    public record Resubscribe(long[] sessions, long guildId) implements Command {}

    /**
     * The guild or user {@code source} sends nothing more to {@code session} on this node: the session moved to
     * another node, and this marker, behind everything sent here before, tells it so.
     */
    public record Drained(long session, long source) implements Command {}

    /** A session ended or moved away: it needs no watching of its guilds and user any more. */
    public record Forget(long session, long[] guilds, long userId) implements Command {}

    private record UpstreamGone(ActorRef<?> upstream) implements Command {}

    /** The sessions' user joined a guild: they subscribe to it. {@code member} may be null (they load it). */
    public record Join(long[] sessions, long guildId, byte[] member) implements Command {}

    /** The session no longer receives this guild's events; {@code unavailable} false means it left the guild. */
    public record Unsubscribed(long[] sessions, long guildId, boolean unavailable) implements Command {}

    /** The sessions' user may no longer connect (suspended, deleted, password changed): they close with 4004. */
    public record Revoke(long[] sessions) implements Command {}

    public static Behavior<Command> create(SessionDirectory directory, GatewayMetrics metrics,
                                           GatewaySettings.RelayLanes lanes) {
        return Behaviors.setup(context -> new Relay(context, directory, metrics, lanes));
    }

    /** Lanes' finished counts sit a cache line (8 longs) apart so that lanes do not slow each other down. */
    static int finishedSlot(int lane) {
        return lane << 3;
    }

    private final SessionDirectory directory;
    private final GatewayMetrics metrics;
    private final Upstreams upstreams = new Upstreams();
    private final int splitAbove;
    private final ActorRef<RelayLane.Command>[] lanes;
    /** Per lane: messages sent to it, and (written by the lane) messages it has finished. */
    private final long[] sent;
    private final AtomicLongArray finished;
    private long departed;

    @SuppressWarnings("unchecked")
    private Relay(ActorContext<Command> context, SessionDirectory directory, GatewayMetrics metrics,
                  GatewaySettings.RelayLanes settings) {
        super(context);
        this.directory = directory;
        this.metrics = metrics;
        this.splitAbove = settings.splitAbove();
        int count = Math.max(1, settings.count());
        this.lanes = new ActorRef[count];
        this.sent = new long[count];
        this.finished = new AtomicLongArray(finishedSlot(count));
        for (int i = 0; i < count; i++) {
            lanes[i] = context.spawn(RelayLane.create(directory, finished, i), "lane-" + i);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Subscribed.class, this::onSubscribed)
                .onMessage(Unsubscribed.class, this::onUnsubscribed)
                .onMessage(Join.class, this::onJoin)
                .onMessage(Revoke.class, revoke -> {
                    route(revoke.sessions(), Session.Revoked.INSTANCE);
                    return this;
                })
                .onMessage(Attached.class, this::onAttached)
                .onMessage(Resubscribe.class, this::onResubscribe)
                .onMessage(Drained.class, this::onDrained)
                .onMessage(Forget.class, this::onForget)
                .onMessage(UpstreamGone.class, this::onUpstreamGone)
                .build();
    }

    private Behavior<Command> onDeliver(Deliver deliver) {
        route(deliver.sessions(), new Session.Dispatch(deliver.event(), deliver.data()));
        metrics.delivered(deliver.sessions().length);
        return this;
    }

    private Behavior<Command> onSubscribed(Subscribed subscribed) {
        track(true, subscribed.guildId(), subscribed.guild(), subscribed.session());
        if (subscribed.guildCreate() != null) {
            route(new long[] {subscribed.session()},
                    new Session.GuildAvailable(subscribed.guildId(), subscribed.guildCreate()));
        }
        return this;
    }

    private Behavior<Command> onUnsubscribed(Unsubscribed unsubscribed) {
        for (long number : unsubscribed.sessions()) {
            untrack(true, unsubscribed.guildId(), number);
        }
        route(unsubscribed.sessions(), new Session.GuildGone(unsubscribed.guildId(), unsubscribed.unavailable()));
        return this;
    }

    private Behavior<Command> onAttached(Attached attached) {
        track(false, attached.userId(), attached.user(), attached.session());
        return this;
    }

    private Behavior<Command> onResubscribe(Resubscribe resubscribe) {
        route(resubscribe.sessions(), new Session.Resubscribe(resubscribe.guildId()));
        return this;
    }

    /** Behind the source's earlier events to this session, in its lane. */
    private Behavior<Command> onDrained(Drained drained) {
        route(new long[] {drained.session()}, new Session.Drained(drained.source()));
        return this;
    }

    private Behavior<Command> onForget(Forget forget) {
        for (long guildId : forget.guilds()) {
            untrack(true, guildId, forget.session());
        }
        untrack(false, forget.userId(), forget.session());
        return this;
    }

    /** A guild or user stopped while serving sessions here: they renew with its next incarnation, wherever it is. */
    private Behavior<Command> onUpstreamGone(UpstreamGone gone) {
        Upstreams.Watched watched = upstreams.terminated(gone.upstream());
        if (watched == null) {
            return this;
        }
        getContext().getLog().info("{} {} stopped while serving {} sessions here; they renew",
                watched.guild ? "guild" : "user", watched.id, watched.sessions.size());
        long[] sessions = new long[watched.sessions.size()];
        int[] next = {0};
        watched.sessions.forEach((number, ignored) -> sessions[next[0]++] = number);
        route(sessions, watched.guild ? new Session.Resubscribe(watched.id) : Session.Reattach.INSTANCE);
        return this;
    }

    private void track(boolean guild, long id, ActorRef<?> upstream, long session) {
        if (upstreams.add(guild, id, upstream, session)) {
            getContext().watchWith(upstream, new UpstreamGone(upstream));
        }
    }

    private void untrack(boolean guild, long id, long session) {
        ActorRef<?> unused = upstreams.remove(guild, id, session);
        if (unused != null) {
            getContext().unwatch(unused);
        }
    }

    private Behavior<Command> onJoin(Join join) {
        route(join.sessions(), new Session.JoinGuild(join.guildId(), join.member()));
        return this;
    }

    /** Gives {@code message} to each session numbered in {@code numbers}, each after everything sent it before. */
    private void route(long[] numbers, Session.Command message) {
        if (numbers.length <= splitAbove && lanesIdle(numbers)) {
            for (long number : numbers) {
                departed += RelayLane.tell(directory, number, message);
            }
            if (departed >= 10_000) {
                getContext().getLog().debug("{} messages for sessions that had already ended", departed);
                departed = 0;
            }
            return;
        }
        int[] counts = new int[lanes.length];
        for (long number : numbers) {
            counts[laneOf(number, lanes.length)]++;
        }
        for (int lane = 0; lane < lanes.length; lane++) {
            if (counts[lane] == numbers.length) { // all in one lane: pass the array on as it is
                send(lane, numbers, message);
                return;
            }
        }
        long[][] split = new long[lanes.length][];
        for (int lane = 0; lane < lanes.length; lane++) {
            split[lane] = new long[counts[lane]];
            counts[lane] = 0;
        }
        for (long number : numbers) {
            int lane = laneOf(number, lanes.length);
            split[lane][counts[lane]++] = number;
        }
        for (int lane = 0; lane < lanes.length; lane++) {
            if (split[lane].length > 0) {
                send(lane, split[lane], message);
            }
        }
    }

    private void send(int lane, long[] numbers, Session.Command message) {
        sent[lane]++;
        lanes[lane].tell(new RelayLane.Hand(numbers, message));
    }

    /** Whether every lane of these sessions has finished all that was sent to it. */
    private boolean lanesIdle(long[] numbers) {
        for (long number : numbers) {
            int lane = laneOf(number, lanes.length);
            if (finished.getAcquire(finishedSlot(lane)) != sent[lane]) {
                return false;
            }
        }
        return true;
    }

    /** A session's lane, for good: the top bits of its Fibonacci-hashed number, so any stride of numbers spreads. */
    static int laneOf(long number, int lanes) {
        return (int) ((((number * 0x9E3779B97F4A7C15L) >>> 32) * lanes) >>> 32);
    }
}
