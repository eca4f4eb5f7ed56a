package one.derailed.gateway.core.session;

import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.discord.GuildDeleteObject;
import one.derailed.gateway.core.discord.JsonBytes;
import one.derailed.gateway.core.discord.MemberObject;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.store.MemberRecord;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SessionState is what every phase of a session shares: who the user is and what it may receive, its guilds
 * ({@link Subscriptions}), its numbering and replay buffer ({@link Numbering}), its socket while it has one, and the
 * steps several phases take (subscribing, attaching to the user, ending).
 */
final class SessionState {
    private static final Logger LOG = LoggerFactory.getLogger(SessionState.class);
    final ActorContext<SessionProtocol.Command> context;
    final TimerScheduler<SessionProtocol.Command> timers;
    final SessionServices services;
    final SessionDirectory.SessionIdentity identity;
    final Numbering numbering;
    final Subscriptions guilds = new Subscriptions();
    /** The user this session is of, 0 until it identifies: the session keeps its id only (the rest went out in READY). */
    long userId;
    int intents;
    Presence presence;
    int largeThreshold;
    int shardId;
    int shardCount = 1;
    /** The client's socket, or null while it is away. */
    Connection connection;
    /** The incarnation of the user's entity this session is attached to (0 until it answers). */
    long userIncarnation;
    boolean userAttached;
    /** op 8 requests running as children of this session. */
    int memberRequests;
    /** This session went on as a new incarnation on another node, which now owns its subscriptions. */
    boolean handedOver;
    /** RESUMEs asked so far: only the latest one's token check may take the session over. */
    long resumeAttempts;
    /** A move asked for while the session was not settled; it starts once it is. */
    MoveProtocol.MoveTo pendingMove;
    /** The session is {@link Live}: its port may send a dispatch straight out when its mailbox is empty. */
    boolean live;

    SessionState(ActorContext<SessionProtocol.Command> context, TimerScheduler<SessionProtocol.Command> timers,
                 SessionServices services, SessionDirectory.SessionIdentity identity) {
        this(context, timers, services, identity, null);
    }

    /**
     * The state of a session for {@code connection} (null for one that moved here and waits for its client). A
     * session of a socket runs on the socket's event loop when the node says so ({@link SocketLoopDispatchers}); its
     * port knows that loop.
     */
    SessionState(ActorContext<SessionProtocol.Command> context, TimerScheduler<SessionProtocol.Command> timers,
                 SessionServices services, SessionDirectory.SessionIdentity identity, Connection connection) {
        this.context = context;
        this.timers = timers;
        this.services = services;
        this.identity = identity;
        this.connection = connection;
        this.numbering = new Numbering(services.settings().replayMaxEvents(), services.settings().replayMaxBytes(),
                services.metrics());
        java.util.concurrent.Executor loop = connection != null && services.settings().onSocketLoop()
                ? connection.executor() : null;
        services.directory().add(identity, new SessionPort(context.getSelf(), loop, this));
    }

    String sessionId() {
        return identity.sessionId();
    }

    long number() {
        return identity.number();
    }

    /** Numbers and sends (or keeps, while away) a dispatch; false when an exact resume became impossible. */
    boolean dispatch(String event, byte[] data) {
        return numbering.dispatch(event, data, connection);
    }

    /** Tells the client a guild it has is gone ({@code unavailable}: for now). */
    boolean guildDeleted(long guildId, boolean unavailable) {
        return dispatch(GatewayEvent.GUILD_DELETE.name(), GuildDeleteObject.encode(guildId, unavailable));
    }

    void subscribe(MemberRecord membership, long renews) {
        subscribe(membership.guildId(), MemberObject.encode(membership), JsonBytes.timestamp(membership.joinedAt()),
                renews);
    }

    /** Sends the guild this session's subscription ({@code renews}: the incarnation it had, 0 for the whole guild). */
    void subscribe(long guildId, byte[] member, String joinedAt, long renews) {
        guilds.at(guildId, Subscriptions.Stage.REQUESTED);
        services.guild(guildId).tell(new GuildProtocol.Subscribe(services.relay(), number(), userId, intents,
                member, joinedAt, presence, largeThreshold, renews));
        timers.startSingleTimer(unansweredTimer(guildId), new SessionSignals.SubscribeUnanswered(guildId),
                services.settings().subscribeUnansweredAfter());
    }

    /**
     * The guild answered the subscription (took it, or is down): its timer would fire for nothing, and a fired timer
     * costs a message and, once per actor, Pekko's logging context (~120 B a session, kept for its life).
     */
    void answered(long guildId) {
        timers.cancel(unansweredTimer(guildId));
    }

    private static String unansweredTimer(long guildId) {
        return "unanswered-" + guildId;
    }

    /** Reads the user's member object in the guild (through Ready, off the actor threads), then subscribes. */
    void loadMember(long guildId, long renews) {
        guilds.at(guildId, Subscriptions.Stage.LOADING_MEMBER);
        context.ask(ReadyProtocol.Result.class, services.ready(), services.settings().readyTimeout(),
                replyTo -> new ReadyProtocol.LoadMember(guildId, userId,
                        ReadyProtocol.deadlineIn(services.settings().readyTimeout()), replyTo),
                (result, failure) -> new SessionSignals.MemberLoaded(guildId, renews, result, failure));
    }

    /** A subscription that could not be made now is made again after a backoff that grows with each try. */
    void retrySubscription(long guildId) {
        Subscriptions.Subscription subscription = guilds.at(guildId, Subscriptions.Stage.RETRYING);
        subscription.attempts++;
        timers.startSingleTimer("subscribe-" + guildId, new SessionSignals.SubscribeAgain(guildId),
                services.settings().subscribeRetry().before(subscription.attempts + 1));
    }

    UserProtocol.Attach attachment(long renews) {
        return new UserProtocol.Attach(services.relay(), number(), intents, shardId, shardCount, renews);
    }

    /** Attaches to the user's entity ({@code renews}: the incarnation this session had, 0 for a first attach). */
    void attachToUser(long renews) {
        userAttached = false;
        services.user(userId).tell(attachment(renews));
    }

    /** Whether the session may move: its user took its attach and no subscription is on its way. */
    boolean settled() {
        return userAttached && guilds.settled();
    }

    /** Ends the session, closing its socket (if it has one) with {@code code}. */
    Behavior<SessionProtocol.Command> closeWith(CloseCode code, String reason) {
        if (connection != null) {
            connection.close(code, reason);
        }
        return Behaviors.stopped();
    }

    /**
     * Ends a session that can no longer be served exactly (an event it should have had could not reach it): its
     * client is told to identify anew (4009) rather than resume with a gap.
     */
    Behavior<SessionProtocol.Command> lost(String reason) {
        LOG.info("session {} ends: {}", sessionId(), reason);
        services.metrics().sessionEnded("lost");
        return closeWith(CloseCode.SESSION_TIMED_OUT, "your session could not be kept exactly: identify again");
    }

    /**
     * The session stopped, for whatever reason (an end, a move, a failure): its socket, if still open, is closed
     * (its client must not stay connected to nothing), and unless a new incarnation took over, it leaves its guilds
     * and user.
     */
    void stopped() {
        live = false;
        services.directory().remove(identity);
        if (handedOver) {
            services.directory().movedAway(sessionId(), services.settings().handoff().longestClaim());
        }
        numbering.release();
        if (connection != null && connection.isOpen()) {
            connection.close(CloseCode.SESSION_TIMED_OUT, "your session ended: identify again");
        }
        if (userId == 0) {
            return;
        }
        long[] guildIds = guilds.ids();
        services.relay().tell(new RelayProtocol.Forget(number(), guildIds, userId));
        if (!handedOver) {
            for (long guildId : guildIds) {
                services.guild(guildId).tell(new GuildProtocol.Unsubscribe(services.relay(), number(), userId));
            }
            services.user(userId).tell(new UserProtocol.Detach(services.relay(), number()));
        }
    }
}
