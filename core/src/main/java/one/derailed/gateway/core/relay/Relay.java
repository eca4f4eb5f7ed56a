package one.derailed.gateway.core.relay;

import java.util.concurrent.atomic.AtomicLongArray;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.relay.RelayProtocol.Command;
import one.derailed.gateway.core.session.Delivery;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionProtocol;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay is the one door of a node's sessions ({@link RelayProtocol}): guilds and users send it one message per event
 * carrying the numbers of this node's recipients, and it hands the shared event to each local session (Discord's
 * manifold: serialize once per node, not once per session). Everything a guild or user sends a session passes through
 * here, so it all keeps the order it was sent in.
 *
 * <p>Handing one event to a million sessions is a million mailbox pushes, too many for one actor on one core, so the
 * relay routes each session's messages through one of its {@link RelayLane}s (chosen by the session's number, the
 * same lane every time, which keeps each session's order) and the lanes push in parallel. A small batch whose lanes
 * have nothing pending is handed out here directly: nothing sent earlier can still overtake it, and it saves a hop.
 *
 * <p>A relay never stops on a failure: the whole node's sessions depend on it (their guilds would drop them all when
 * it stopped). A message it cannot handle is logged, and the sessions it named, which may now miss an event, end
 * ({@link Delivery.Lost}): their clients identify anew rather than go on with a gap.
 */
public final class Relay extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private record UpstreamGone(ActorRef<?> upstream) implements Command, NoSerializationVerificationNeeded {}

    public static Behavior<Command> create(SessionDirectory directory, GatewayMetrics metrics,
                                           GatewaySettings.RelayLanes lanes) {
        return Behaviors.supervise(Behaviors.<Command>setup(context -> new Relay(context, directory, metrics, lanes)))
                .onFailure(SupervisorStrategy.resume());
    }

    /** Lanes' finished counts sit a cache line (8 longs) apart so that lanes do not slow each other down. */
    static int finishedSlot(int lane) {
        return lane << 3;
    }

    private final SessionDirectory directory;
    private final GatewayMetrics metrics;
    private final Upstreams upstreams = new Upstreams();
    private final SharedPaths sharedPaths;
    /** Per entity incarnation that sent this relay anything: the number of the last message it sent. */
    private final java.util.Map<ActorRef<?>, long[]> links = new java.util.HashMap<>();
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
        this.sharedPaths = new SharedPaths(context.getSystem());
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
    public Behavior<Command> onMessage(Command command) {
        try {
            handle(command);
        } catch (RuntimeException failure) {
            onFailure(command, failure);
        }
        return this;
    }

    private void handle(Command command) {
        switch (command) {
            case RelayProtocol.Sequenced sequenced -> {
                checkLink(sequenced);
                handle(sequenced.message());
            }
            case RelayProtocol.Deliver deliver -> {
                route(deliver.sessions(), new Delivery.Dispatch(deliver.event(), deliver.data()));
                metrics.delivered(deliver.sessions().length);
            }
            case RelayProtocol.Subscribed subscribed -> {
                track(true, subscribed.guildId(), subscribed.guild(), subscribed.incarnation(), subscribed.session());
                route(new long[] {subscribed.session()}, new Delivery.GuildAvailable(subscribed.guildId(),
                        subscribed.incarnation(), subscribed.guildCreate(), subscribed.resync()));
            }
            case RelayProtocol.Unsubscribed unsubscribed -> {
                for (long number : unsubscribed.sessions()) {
                    untrack(true, unsubscribed.guildId(), number);
                }
                route(unsubscribed.sessions(), new Delivery.GuildGone(unsubscribed.guildId(),
                        unsubscribed.unavailable()));
            }
            case RelayProtocol.GuildDown down ->
                    route(down.sessions(), new Delivery.GuildDown(down.guildId(), down.retry()));
            case RelayProtocol.Join join ->
                    route(join.sessions(), new Delivery.JoinGuild(join.guildId(), join.member()));
            case RelayProtocol.Revoke revoke -> route(revoke.sessions(), Delivery.Revoked.INSTANCE);
            case RelayProtocol.Attached attached -> {
                track(false, attached.userId(), attached.user(), attached.incarnation(), attached.session());
                route(new long[] {attached.session()}, new Delivery.UserAttached(attached.incarnation()));
            }
            case RelayProtocol.Resubscribe resubscribe -> route(resubscribe.sessions(),
                    new Delivery.Resubscribe(resubscribe.guildId(), resubscribe.incarnation()));
            // Behind the source's earlier events to this session, in its lane.
            case RelayProtocol.Drained drained ->
                    route(new long[] {drained.session()}, new Delivery.Drained(drained.source()));
            case RelayProtocol.Forget forget -> {
                for (long guildId : forget.guilds()) {
                    untrack(true, guildId, forget.session());
                }
                untrack(false, forget.userId(), forget.session());
            }
            case UpstreamGone gone -> onUpstreamGone(gone);
            default -> LOG.warn("relay: unknown message {}", command.getClass().getName());
        }
    }

    /**
     * A message the relay could not handle (a malformed one from another node, or a fault here): the sessions it
     * names, which may have missed what it carried, end; nothing else changes.
     */
    private void onFailure(Command command, RuntimeException failure) {
        LOG.error("relay could not handle {}; the sessions it names end", command, failure);
        metrics.relayFailure();
        long[] sessions = switch (command) {
            case RelayProtocol.Deliver deliver -> deliver.sessions();
            case RelayProtocol.Subscribed subscribed -> new long[] {subscribed.session()};
            case RelayProtocol.Unsubscribed unsubscribed -> unsubscribed.sessions();
            case RelayProtocol.Join join -> join.sessions();
            case RelayProtocol.Revoke revoke -> revoke.sessions();
            case RelayProtocol.Resubscribe resubscribe -> resubscribe.sessions();
            case RelayProtocol.Drained drained -> new long[] {drained.session()};
            case RelayProtocol.Sequenced sequenced -> null;
            default -> null;
        };
        if (sessions == null) {
            return;
        }
        Delivery.Lost lost = new Delivery.Lost("the gateway could not deliver an event to this session");
        for (long number : sessions) {
            ActorRef<SessionProtocol.Command> session = directory.byNumber(number);
            if (session != null) {
                session.tell(lost);
            }
        }
    }

    /**
     * A number skipped on a link means a message from that incarnation was lost on the way (Artery drops what its
     * full outbound queue cannot take). Which sessions it was for is lost with it, so every session here hears of
     * the gap, through the lanes behind everything the source sent before: a session subscribed to that guild is told
     * it was unavailable and gets it whole again; a session of that user ends, as it cannot be served exactly.
     */
    private void checkLink(RelayProtocol.Sequenced sequenced) {
        long[] last = links.get(sequenced.source());
        if (last == null) {
            // a link is forgotten only when its source stops, so the first message of a live one is number 1
            last = new long[] {0};
            links.put(watch(sequenced.source()), last);
        }
        if (sequenced.seq() != last[0] + 1) {
            LOG.warn("relay: {} messages from {} {} were lost on the way; its sessions here resync",
                    sequenced.seq() - last[0] - 1, sequenced.guild() ? "guild" : "user", sequenced.id());
            metrics.relayGap();
            route(directory.numbers(), new Delivery.SourceGap(sequenced.guild(), sequenced.id()));
        }
        last[0] = sequenced.seq();
    }

    /**
     * Watches an upstream once, for as long as it lives: its end renews its sessions and forgets its link. Returns
     * the one ref kept for it here (on a shared path, {@link SharedPaths}).
     */
    private ActorRef<?> watch(ActorRef<?> upstream) {
        ActorRef<?> kept = watched.get(upstream);
        if (kept == null) {
            kept = sharedPaths.share(upstream);
            watched.put(kept, kept);
            getContext().watchWith(kept, new UpstreamGone(kept));
        }
        return kept;
    }

    /** Each watched upstream, to the one ref kept for it. */
    private final java.util.Map<ActorRef<?>, ActorRef<?>> watched = new java.util.HashMap<>();

    /** A guild or user stopped while serving sessions here: they renew with its next incarnation, wherever it is. */
    private void onUpstreamGone(UpstreamGone gone) {
        watched.remove(gone.upstream());
        links.remove(gone.upstream());
        Upstreams.Watched watched = upstreams.terminated(gone.upstream());
        if (watched == null) {
            return;
        }
        LOG.info("{} {} stopped while serving {} sessions here; they renew",
                watched.guild ? "guild" : "user", watched.id, watched.size());
        long[] sessions = watched.sessions();
        route(sessions, watched.guild ? new Delivery.Resubscribe(watched.id, watched.incarnation)
                : new Delivery.Reattach(watched.incarnation));
    }

    private void track(boolean guild, long id, ActorRef<?> upstream, long incarnation, long session) {
        upstreams.add(guild, id, watch(upstream), incarnation, session);
    }

    private void untrack(boolean guild, long id, long session) {
        upstreams.remove(guild, id, session);
    }

    /** Gives {@code message} to each session numbered in {@code numbers}, each after everything sent it before. */
    private void route(long[] numbers, SessionProtocol.Command message) {
        if (numbers.length <= splitAbove && lanesIdle(numbers)) {
            departed += RelayLane.handOut(directory, numbers, message);
            if (departed >= 10_000) {
                LOG.debug("{} messages for sessions that had already ended", departed);
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

    private void send(int lane, long[] numbers, SessionProtocol.Command message) {
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
