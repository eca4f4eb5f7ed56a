package one.derailed.gateway.core.session;

import java.util.ArrayList;
import java.util.List;
import one.derailed.gateway.core.discord.ReadyObject;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.ServerFrames;
import one.derailed.gateway.store.MemberRecord;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifying is a session between IDENTIFY and READY: Ready checks the token and reads the user and its memberships
 * (in pages, for the guilds of the session's shard), the user's entity decides whether the session may start, then
 * the session sends READY, subscribes to its guilds and attaches to its user. Client frames sent meanwhile (a
 * presence, an op 8) wait, in order, until the session knows its intents and guilds.
 */
final class Identifying extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(Identifying.class);
    /** Frames a client may send before READY; the socket's rate limit (120 a minute) keeps it far below. */
    static final int MAX_EARLY_FRAMES = 128;

    private final SessionState state;
    private final ClientPayload.Identify identify;
    private final StashBuffer<Command> early;
    private final int shardId;
    private final int shardCount;
    private ReadyProtocol.Loaded loaded;
    private final List<MemberRecord> memberships = new ArrayList<>();
    private boolean answered;

    Identifying(SessionState state, ClientPayload.Identify identify, StashBuffer<Command> early) {
        super(state.context);
        this.state = state;
        this.identify = identify;
        this.early = early;
        this.shardId = identify.shard() == null ? 0 : identify.shard().id();
        this.shardCount = identify.shard() == null ? 1 : identify.shard().count();
        askToLoad(1);
    }

    private int pageSize() {
        return state.services.limits().membershipsPerPage();
    }

    private void askToLoad(int attempt) {
        state.context.ask(ReadyProtocol.Result.class, state.services.ready(), state.services.readyTryTimeout(),
                replyTo -> new ReadyProtocol.Load(identify.token(), shardId, shardCount, pageSize(),
                        ReadyProtocol.deadlineIn(state.services.readyTryTimeout()), replyTo),
                (result, failure) -> new SessionSignals.ReadyAnswered(attempt, result, failure));
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        return switch (command) {
            case SessionSignals.ReadyAnswered answered -> onReadyAnswered(answered);
            case SessionSignals.MembershipsAnswered page -> onMemberships(page);
            case SessionSignals.StartDecided decided -> onStartDecided(decided);
            case SessionProtocol.FromClient frame -> {
                if (frame.connection() != state.connection) {
                    yield this;
                }
                if (early.isFull()) {
                    yield state.closeWith(CloseCode.RATE_LIMITED, "too many frames before READY");
                }
                early.stash(frame);
                yield this;
            }
            case SessionProtocol.ConnectionClosed closed -> closed.connection() == state.connection
                    ? Behaviors.stopped() : this;
            case SessionProtocol.Resume resume -> {
                resume.connection().send(ServerFrames.invalidSession(false));
                state.services.metrics().invalidSession();
                yield this;
            }
            case MoveProtocol.MoveTo move -> {
                move.target().tell(new MoveProtocol.Refused(state.sessionId(), false));
                yield this;
            }
            case SessionProtocol.GetBufferStats get -> {
                get.replyTo().tell(state.numbering.stats(state.connection != null));
                yield this;
            }
            case Delivery.Lost lost -> state.lost(lost.reason());
            default -> this;
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            state.stopped();
        }
        return this;
    }

    private Behavior<Command> onReadyAnswered(SessionSignals.ReadyAnswered ready) {
        if (answered) {
            return this; // a first try that answered after its retry
        }
        if (ready.failure() != null && ready.attempt() < state.services.readyTries()) {
            askToLoad(ready.attempt() + 1);
            return this;
        }
        answered = true;
        if (ready.failure() != null) {
            LOG.warn("session {}: ready did not answer: {}", state.sessionId(),
                    ready.failure().toString());
            return state.closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not identify you in time; try again");
        }
        return switch (ready.result()) {
            case ReadyProtocol.Rejected rejected -> state.closeWith(CloseCode.AUTHENTICATION_FAILED,
                    rejected.reason());
            case ReadyProtocol.Unavailable unavailable -> state.closeWith(CloseCode.UNKNOWN_ERROR,
                    unavailable.reason());
            case ReadyProtocol.Loaded first -> onLoaded(first);
            default -> state.closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not identify you; try again");
        };
    }

    private Behavior<Command> onLoaded(ReadyProtocol.Loaded first) {
        if (first.user().bot() && identify.intents() == null) {
            return state.closeWith(CloseCode.INVALID_INTENTS, "bots must send intents in IDENTIFY");
        }
        int asked = identify.intents() == null ? Intents.ALL : identify.intents();
        int refused = first.user().bot()
                ? asked & Intents.PRIVILEGED & ~state.services.settings().privilegedIntentsForBots() : 0;
        if (refused != 0) {
            return state.closeWith(CloseCode.DISALLOWED_INTENTS,
                    "privileged intents not granted to this bot: " + refused);
        }
        state.intents = asked;
        loaded = first;
        return addPage(first.memberships(), first.more());
    }

    private Behavior<Command> onMemberships(SessionSignals.MembershipsAnswered page) {
        if (page.failure() != null || !(page.result() instanceof ReadyProtocol.MembersFound found)) {
            return state.closeWith(CloseCode.UNKNOWN_ERROR, "the gateway could not read your guilds; try again");
        }
        return addPage(found.members(), found.more());
    }

    /** Collects memberships page by page; a shard with more guilds than a session may hold must be split. */
    private Behavior<Command> addPage(List<MemberRecord> page, boolean more) {
        memberships.addAll(page);
        int most = state.services.limits().maxGuildsPerSession();
        if (memberships.size() > most) {
            return state.closeWith(CloseCode.SHARDING_REQUIRED, "more than " + most
                    + " guilds on one session: connect with more shards");
        }
        if (more) {
            long userId = loaded.user().id();
            long after = page.get(page.size() - 1).guildId();
            state.context.ask(ReadyProtocol.Result.class, state.services.ready(),
                    state.services.settings().readyTimeout(),
                    replyTo -> new ReadyProtocol.LoadMemberships(userId, shardId, shardCount, after, pageSize(),
                            ReadyProtocol.deadlineIn(state.services.settings().readyTimeout()), replyTo),
                    SessionSignals.MembershipsAnswered::new);
            return this;
        }
        boolean bot = loaded.user().bot();
        state.context.ask(UserProtocol.StartAnswer.class, state.services.user(loaded.user().id()),
                state.services.settings().readyTimeout(),
                replyTo -> new UserProtocol.StartSession(bot, shardId, replyTo),
                SessionSignals.StartDecided::new);
        return this;
    }

    /**
     * The user's entity counts session starts across all their connections: too fast for a bot's max_concurrency
     * answers op 9 (the socket stays, free to identify again later); past the daily limit closes with 4008.
     */
    private Behavior<Command> onStartDecided(SessionSignals.StartDecided decided) {
        if (decided.failure() != null) {
            return state.closeWith(CloseCode.UNKNOWN_ERROR,
                    "the gateway could not start your session in time; try again");
        }
        long retryAfter = decided.answer().retryAfterMillis();
        return switch (decided.answer().outcome()) {
            case TOO_FAST -> {
                Connection connection = state.connection;
                connection.send(ServerFrames.invalidSession(false));
                state.services.metrics().invalidSession();
                connection.attach(null);
                state.connection = null; // the socket stays open, free to identify again
                yield Behaviors.stopped();
            }
            case LIMIT_REACHED -> state.closeWith(CloseCode.RATE_LIMITED, "session start limit reached; it resets in "
                    + (retryAfter + 999) / 1000 + " s");
            case STARTED -> ready();
        };
    }

    private Behavior<Command> ready() {
        state.userId = loaded.user().id();
        ClientPayload.PresenceUpdate asSent = identify.presence();
        state.presence = new Presence(asSent != null ? asSent.status() : loaded.status(),
                asSent != null ? asSent.activitiesJson() : "[]", Presence.Platform.of(identify.properties()));
        state.largeThreshold = identify.largeThreshold();
        state.shardId = shardId;
        state.shardCount = shardCount;
        state.dispatch(GatewayEvent.READY.name(), ReadyObject.encode(loaded.user(), memberships.stream().map(MemberRecord::guildId)
                        .toList(), state.sessionId(), state.services.resumeGatewayUrl(),
                identify.shard() == null ? null : new int[] {shardId, shardCount}));
        for (MemberRecord membership : memberships) {
            state.subscribe(membership, 0);
        }
        state.attachToUser(0);
        return early.unstashAll(new Live(state));
    }
}
