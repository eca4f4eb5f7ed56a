package one.derailed.gateway.core.session;

import java.util.List;
import one.derailed.gateway.core.discord.MemberObject;
import one.derailed.gateway.core.discord.ResumedObject;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.ServerFrames;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving is what a session does once it is identified, whether its socket is connected ({@link Live}) or away
 * ({@link Detached}): it applies what its guilds and user send it, keeps its subscriptions going (renewing them
 * with new incarnations, retrying what failed), resumes on a new socket, and moves to another node when asked. The
 * two phases add what only they handle.
 */
abstract class Serving extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);
    protected final SessionState state;

    Serving(SessionState state) {
        super(state.context);
        this.state = state;
        state.live = this instanceof Live;
    }

    /** What only this phase handles; null when it does not handle {@code command}. */
    abstract Behavior<Command> onOwn(Command command);

    @Override
    public final Behavior<Command> onMessage(Command command) {
        Behavior<Command> own = onOwn(command);
        if (own != null) {
            return own;
        }
        return switch (command) {
            case Delivery delivery -> afterChange(apply(delivery));
            case SessionSignals.MemberLoaded loaded -> afterChange(onMemberLoaded(loaded));
            case SessionSignals.SubscribeAgain again -> onSubscribeAgain(again);
            case SessionSignals.SubscribeUnanswered unanswered -> afterChange(onSubscribeUnanswered(unanswered));
            case SessionProtocol.Resume resume -> onResume(resume);
            case SessionSignals.ResumeChecked checked -> onResumeChecked(checked);
            case MoveProtocol.MoveTo move -> onMoveTo(move);
            case SessionSignals.MoveChecked checked -> onMoveChecked(checked);
            case SessionSignals.MemberRequestDone done -> {
                state.memberRequests--;
                yield this;
            }
            case SessionProtocol.EndWithNode end -> {
                state.services.metrics().sessionEnded("node-left");
                yield Behaviors.stopped();
            }
            case SessionProtocol.Describe describe -> OperatorControls.describe(state, this, describe);
            case SessionProtocol.Disconnect disconnect -> OperatorControls.disconnect(state, this, disconnect);
            case SessionProtocol.Reconnect reconnect -> OperatorControls.reconnect(state, this);
            case SessionProtocol.GetBufferStats get -> {
                get.replyTo().tell(state.numbering.stats(state.connection != null));
                yield this;
            }
            default -> {
                LOG.debug("session {}: {} does not apply now", state.sessionId(),
                        command.getClass().getSimpleName());
                yield this;
            }
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            state.stopped();
        }
        return this;
    }

    /**
     * Applies what a guild or the user sent. Returns the next behaviour: this one, or stopped when the session can
     * no longer be served exactly.
     */
    Behavior<Command> apply(Delivery delivery) {
        return switch (delivery) {
            case Delivery.Dispatch event -> state.dispatch(event.event(), event.data()) ? this
                    : overflowedWhileAway();
            case Delivery.GuildAvailable available -> onGuildAvailable(available);
            case Delivery.GuildGone gone -> {
                state.answered(gone.guildId());
                Subscriptions.Subscription subscription = state.guilds.remove(gone.guildId());
                boolean kept = subscription == null || !subscription.clientHas
                        || state.guildDeleted(gone.guildId(), gone.unavailable());
                yield kept ? this : overflowedWhileAway();
            }
            case Delivery.GuildDown down -> onGuildDown(down);
            case Delivery.JoinGuild join -> {
                if (!state.guilds.contains(join.guildId())) {
                    // a published member is completed with Discord's defaults; one without a user is read instead
                    byte[] published = join.member() == null ? null : MemberObject.completed(join.member());
                    if (published != null) {
                        var member = one.derailed.gateway.protocol.Json.readOrMissing(published);
                        state.subscribe(join.guildId(), published, member.path("joined_at").asText(null), 0);
                    } else {
                        state.loadMember(join.guildId(), 0);
                    }
                }
                yield this;
            }
            case Delivery.Resubscribe renew -> {
                Subscriptions.Subscription subscription = state.guilds.get(renew.guildId());
                // Only a subscription served by the incarnation that stopped renews; one already renewed does not.
                if (subscription != null && subscription.stage == Subscriptions.Stage.TAKEN
                        && (subscription.incarnation == renew.incarnation() || renew.incarnation() == 0)) {
                    state.loadMember(renew.guildId(), subscription.renews());
                }
                yield this;
            }
            case Delivery.Reattach reattach -> {
                if (reattach.incarnation() == state.userIncarnation) {
                    state.attachToUser(reattach.incarnation());
                }
                yield this;
            }
            case Delivery.UserAttached attached -> {
                if (attached.incarnation() == 0) {
                    yield state.lost("the user's entity could not tell what it missed while it moved");
                }
                state.userIncarnation = attached.incarnation();
                state.userAttached = true;
                yield this;
            }
            case Delivery.Drained stray -> {
                LOG.debug("session {}: stray drain marker from {}", state.sessionId(),
                        stray.source());
                yield this;
            }
            case Delivery.Lost lost -> state.lost(lost.reason());
            case Delivery.SourceGap gap -> onSourceGap(gap);
            case Delivery.Revoked revoked -> {
                state.services.metrics().sessionEnded("revoked");
                yield state.closeWith(CloseCode.AUTHENTICATION_FAILED, ReadyProtocol.Rejected.REASON);
            }
        };
    }

    /**
     * Something from one of this session's guilds was lost on the way here: the client hears the guild was
     * unavailable and gets it whole again. From its user: the session cannot be served exactly, and ends.
     */
    private Behavior<Command> onSourceGap(Delivery.SourceGap gap) {
        if (!gap.guild()) {
            return gap.id() == state.userId ? state.lost("an event of its user was lost on the way") : this;
        }
        Subscriptions.Subscription subscription = state.guilds.get(gap.id());
        if (subscription == null) {
            return this;
        }
        if (subscription.clientHas) {
            subscription.clientHas = false;
            if (!state.guildDeleted(gap.id(), true)) {
                return overflowedWhileAway();
            }
        }
        state.services.metrics().renewal("resynced");
        state.loadMember(gap.id(), 0);
        return this;
    }

    /** While away, a dispatch that pushed older ones out of the buffer makes an exact resume impossible. */
    private Behavior<Command> overflowedWhileAway() {
        LOG.debug("session {} ends: its replay buffer overflowed while the client was away",
                state.sessionId());
        state.services.metrics().sessionEnded("replay-overflow");
        return Behaviors.stopped();
    }

    private Behavior<Command> onGuildAvailable(Delivery.GuildAvailable available) {
        state.answered(available.guildId());
        Subscriptions.Subscription subscription = state.guilds.get(available.guildId());
        if (subscription == null) {
            return this; // left meanwhile; the guild heard the unsubscribe after this
        }
        boolean clientHad = subscription.clientHas;
        state.guilds.taken(available.guildId(), available.incarnation());
        if (available.guildCreate() == null || (clientHad && !available.resync())) {
            return this; // a quiet renewal, or the answer to a subscription sent twice: the client has the guild
        }
        if (available.resync() && clientHad && !state.guildDeleted(available.guildId(), true)) {
            return overflowedWhileAway();
        }
        if (available.resync()) {
            state.services.metrics().renewal("resynced");
        }
        subscription.clientHas = true;
        return state.dispatch(GatewayEvent.GUILD_CREATE.name(), available.guildCreate()) ? this
                : overflowedWhileAway();
    }

    private Behavior<Command> onGuildDown(Delivery.GuildDown down) {
        state.answered(down.guildId());
        Subscriptions.Subscription subscription = state.guilds.get(down.guildId());
        if (subscription == null) {
            return this;
        }
        LOG.debug("session {}: guild {} is down (stage {}, retry {}, client has it: {})",
                state.sessionId(), down.guildId(), subscription.stage, down.retry(), subscription.clientHas);
        if (subscription.clientHas) {
            subscription.clientHas = false;
            if (!state.guildDeleted(down.guildId(), true)) {
                return overflowedWhileAway();
            }
        }
        if (down.retry()) {
            state.retrySubscription(down.guildId());
        } else {
            state.guilds.at(down.guildId(), Subscriptions.Stage.DOWN);
        }
        return this;
    }

    /**
     * A member object to subscribe with. A renewal that finds the user no longer a member ends the subscription as a
     * removal would; a read that failed is tried again, and a client that had the guild hears it is unavailable.
     */
    private Behavior<Command> onMemberLoaded(SessionSignals.MemberLoaded loaded) {
        Subscriptions.Subscription subscription = state.guilds.get(loaded.guildId());
        if (subscription == null || subscription.stage != Subscriptions.Stage.LOADING_MEMBER) {
            return this;
        }
        if (loaded.result() instanceof ReadyProtocol.MembersFound found) {
            if (!found.members().isEmpty()) {
                state.subscribe(found.members().get(0), loaded.renews());
                return this;
            }
            state.guilds.remove(loaded.guildId());
            return !subscription.clientHas || state.guildDeleted(loaded.guildId(), false) ? this
                    : overflowedWhileAway();
        }
        LOG.warn("session {} could not load its member object in guild {}; trying again",
                state.sessionId(), loaded.guildId());
        if (subscription.clientHas) {
            subscription.clientHas = false;
            if (!state.guildDeleted(loaded.guildId(), true)) {
                return overflowedWhileAway();
            }
        }
        state.retrySubscription(loaded.guildId());
        return this;
    }

    /**
     * A subscription still unanswered: the guild's node may have crashed with it (the cluster takes ~20 s to notice,
     * and sharding sends to the dead node meanwhile). It is sent again, as a failed one is; a guild that got both
     * takes it once.
     */
    private Behavior<Command> onSubscribeUnanswered(SessionSignals.SubscribeUnanswered unanswered) {
        Subscriptions.Subscription subscription = state.guilds.get(unanswered.guildId());
        if (subscription != null && subscription.stage == Subscriptions.Stage.REQUESTED) {
            LOG.warn("session {}: guild {} did not answer its subscription in {}; sending it again",
                    state.sessionId(), unanswered.guildId(), state.services.settings().subscribeUnansweredAfter());
            state.retrySubscription(unanswered.guildId());
        }
        return this;
    }

    private Behavior<Command> onSubscribeAgain(SessionSignals.SubscribeAgain again) {
        Subscriptions.Subscription subscription = state.guilds.get(again.guildId());
        if (subscription != null && subscription.stage == Subscriptions.Stage.RETRYING) {
            state.loadMember(again.guildId(), subscription.renews());
        }
        return this;
    }

    // ---- resume ---------------------------------------------------------------------------------------------------

    private Behavior<Command> onResume(SessionProtocol.Resume request) {
        askToAuthenticate(request, ++state.resumeAttempts, 1);
        return this;
    }

    private void askToAuthenticate(SessionProtocol.Resume request, long attempt, int tries) {
        state.context.ask(ReadyProtocol.Result.class, state.services.ready(), state.services.readyTryTimeout(),
                replyTo -> new ReadyProtocol.Authenticate(request.resume().token(),
                        ReadyProtocol.deadlineIn(state.services.readyTryTimeout()), replyTo),
                (result, failure) -> new SessionSignals.ResumeChecked(request, attempt, tries, result, failure));
    }

    /**
     * A resume succeeds only with a valid token of this session's user and a seq the buffer can continue from; the
     * new socket then gets every dispatch after seq, in order and with its first numbers, then RESUMED. Any failure
     * answers op 9 on the new socket and leaves the session as it was: a stranger cannot end or probe it.
     */
    private Behavior<Command> onResumeChecked(SessionSignals.ResumeChecked checked) {
        Connection candidate = checked.request().connection();
        if (!candidate.isOpen()) {
            return this; // the socket died while its token was checked; its client retries
        }
        if (checked.failure() != null && checked.tries() < state.services.readyTries()
                && checked.attempt() == state.resumeAttempts) {
            askToAuthenticate(checked.request(), checked.attempt(), checked.tries() + 1);
            return this;
        }
        if (checked.attempt() != state.resumeAttempts) {
            // Token checks run in parallel; an older attempt finishing late must not take over from a newer one.
            LOG.debug("session {}: resume refused (a newer resume came)", state.sessionId());
            return invalid(candidate);
        }
        boolean owner = checked.failure() == null && checked.result() instanceof ReadyProtocol.Authenticated ok
                && ok.userId() == state.userId;
        long seq = checked.request().resume().seq();
        List<ReplayBuffer.Entry> missed = owner ? state.numbering.after(seq) : null;
        if (missed == null) {
            LOG.debug("session {}: resume refused ({})", state.sessionId(),
                    checked.failure() != null ? "token check failed: " + checked.failure()
                            : !owner ? "not this user's token"
                            : "seq " + seq + " not covered (session at " + state.numbering.seq() + ")");
            return invalid(candidate);
        }
        if (state.connection != null) {
            state.connection.close(CloseCode.UNKNOWN_ERROR, "this session was resumed on another connection");
        }
        state.timers.cancel(SessionSignals.ResumeWindowOver.INSTANCE);
        state.connection = candidate;
        candidate.attach(state.context.getSelf());
        for (ReplayBuffer.Entry entry : missed) {
            candidate.send(ServerFrames.dispatch(entry.seq(), entry.event(), entry.data()));
        }
        state.dispatch(GatewayEvent.RESUMED.name(), ResumedObject.data());
        state.services.metrics().resumed();
        return new Live(state);
    }

    Behavior<Command> invalid(Connection candidate) {
        candidate.send(ServerFrames.invalidSession(false));
        state.services.metrics().invalidSession();
        return this;
    }

    // ---- moving ---------------------------------------------------------------------------------------------------

    /**
     * A client resumes on another node (its token is checked first), or this node leaves: the session moves once it
     * is settled (nothing on its way to a guild or its user, which could otherwise see the move before it).
     */
    private Behavior<Command> onMoveTo(MoveProtocol.MoveTo move) {
        if (move.token() == null) {
            return moveWhenSettled(move);
        }
        state.context.ask(ReadyProtocol.Result.class, state.services.ready(), state.services.settings().readyTimeout(),
                replyTo -> new ReadyProtocol.Authenticate(move.token(),
                        ReadyProtocol.deadlineIn(state.services.settings().readyTimeout()), replyTo),
                (result, failure) -> new SessionSignals.MoveChecked(move, result, failure));
        return this;
    }

    private Behavior<Command> onMoveChecked(SessionSignals.MoveChecked checked) {
        boolean owner = checked.failure() == null && checked.result() instanceof ReadyProtocol.Authenticated ok
                && ok.userId() == state.userId;
        if (!owner) {
            checked.request().target().tell(new MoveProtocol.Refused(state.sessionId(), false));
            return this;
        }
        return moveWhenSettled(checked.request());
    }

    private Behavior<Command> moveWhenSettled(MoveProtocol.MoveTo move) {
        if (state.pendingMove != null && state.pendingMove != move) {
            move.target().tell(new MoveProtocol.Refused(state.sessionId(), true));
            return this;
        }
        state.pendingMove = move;
        Behavior<Command> next = afterChange(this);
        if (next == this && move.token() != null) {
            move.target().tell(new MoveProtocol.Coming(state.sessionId()));
        }
        return next;
    }

    /** After anything that may settle the session: a move waiting for that starts. */
    Behavior<Command> afterChange(Behavior<Command> next) {
        if (next != this || state.pendingMove == null || !state.settled()) {
            return next;
        }
        MoveProtocol.MoveTo move = state.pendingMove;
        state.pendingMove = null;
        return new MovingAway(state, move.target());
    }
}
