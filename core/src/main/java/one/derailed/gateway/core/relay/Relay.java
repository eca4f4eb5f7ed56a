package one.derailed.gateway.core.relay;

import one.derailed.gateway.core.CborSerializable;
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

    public static Behavior<Command> create(SessionDirectory directory, GatewayMetrics metrics) {
        return Behaviors.setup(context -> new Relay(context, directory, metrics));
    }

    private final SessionDirectory directory;
    private final GatewayMetrics metrics;
    private final Upstreams upstreams = new Upstreams();
    private long departed;

    private Relay(ActorContext<Command> context, SessionDirectory directory, GatewayMetrics metrics) {
        super(context);
        this.directory = directory;
        this.metrics = metrics;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Subscribed.class, this::onSubscribed)
                .onMessage(Unsubscribed.class, this::onUnsubscribed)
                .onMessage(Join.class, this::onJoin)
                .onMessage(Attached.class, this::onAttached)
                .onMessage(Resubscribe.class, this::onResubscribe)
                .onMessage(Drained.class, this::onDrained)
                .onMessage(Forget.class, this::onForget)
                .onMessage(UpstreamGone.class, this::onUpstreamGone)
                .build();
    }

    private Behavior<Command> onDeliver(Deliver deliver) {
        Session.Dispatch dispatch = new Session.Dispatch(deliver.event(), deliver.data());
        for (long number : deliver.sessions()) {
            tell(number, dispatch);
        }
        metrics.delivered(deliver.sessions().length);
        return this;
    }

    private Behavior<Command> onSubscribed(Subscribed subscribed) {
        track(true, subscribed.guildId(), subscribed.guild(), subscribed.session());
        if (subscribed.guildCreate() != null) {
            tell(subscribed.session(), new Session.GuildAvailable(subscribed.guildId(), subscribed.guildCreate()));
        }
        return this;
    }

    private Behavior<Command> onUnsubscribed(Unsubscribed unsubscribed) {
        Session.GuildGone gone = new Session.GuildGone(unsubscribed.guildId(), unsubscribed.unavailable());
        for (long number : unsubscribed.sessions()) {
            untrack(true, unsubscribed.guildId(), number);
            tell(number, gone);
        }
        return this;
    }

    private Behavior<Command> onAttached(Attached attached) {
        track(false, attached.userId(), attached.user(), attached.session());
        return this;
    }

    private Behavior<Command> onResubscribe(Resubscribe resubscribe) {
        Session.Resubscribe message = new Session.Resubscribe(resubscribe.guildId());
        for (long number : resubscribe.sessions()) {
            tell(number, message);
        }
        return this;
    }

    private Behavior<Command> onDrained(Drained drained) {
        tell(drained.session(), new Session.Drained(drained.source()));
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
        Session.Command renew = watched.guild ? new Session.Resubscribe(watched.id) : Session.Reattach.INSTANCE;
        getContext().getLog().info("{} {} stopped while serving {} sessions here; they renew", watched.guild
                ? "guild" : "user", watched.id, watched.sessions.size());
        watched.sessions.forEach((number, ignored) -> tell(number, renew));
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
        Session.JoinGuild message = new Session.JoinGuild(join.guildId(), join.member());
        for (long number : join.sessions()) {
            tell(number, message);
        }
        return this;
    }

    /** A session that ended while the message was on its way is not an error: its unsubscribe is on its way too. */
    private void tell(long number, Session.Command message) {
        ActorRef<Session.Command> session = directory.byNumber(number);
        if (session != null) {
            session.tell(message);
        } else if (++departed % 10_000 == 1) {
            getContext().getLog().debug("{} messages for sessions that had already ended", departed);
        }
    }
}
