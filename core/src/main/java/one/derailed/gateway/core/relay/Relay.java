package one.derailed.gateway.core.relay;

import one.derailed.gateway.core.CborSerializable;
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

    /** A guild accepted a session's subscription; {@code guildCreate} is that session's GUILD_CREATE. */
    public record Subscribed(long session, long guildId, byte[] guildCreate) implements Command {}

    /** The sessions' user joined a guild: they subscribe to it. {@code member} may be null (they load it). */
    public record Join(long[] sessions, long guildId, byte[] member) implements Command {}

    /** The session no longer receives this guild's events; {@code unavailable} false means it left the guild. */
    public record Unsubscribed(long[] sessions, long guildId, boolean unavailable) implements Command {}

    public static Behavior<Command> create(SessionDirectory directory, GatewayMetrics metrics) {
        return Behaviors.setup(context -> new Relay(context, directory, metrics));
    }

    private final SessionDirectory directory;
    private final GatewayMetrics metrics;
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
        tell(subscribed.session(), new Session.GuildAvailable(subscribed.guildId(), subscribed.guildCreate()));
        return this;
    }

    private Behavior<Command> onUnsubscribed(Unsubscribed unsubscribed) {
        Session.GuildGone gone = new Session.GuildGone(unsubscribed.guildId(), unsubscribed.unavailable());
        for (long number : unsubscribed.sessions()) {
            tell(number, gone);
        }
        return this;
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
