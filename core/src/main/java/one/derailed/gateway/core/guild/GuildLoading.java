package one.derailed.gateway.core.guild;

import java.util.concurrent.CompletableFuture;
import one.derailed.gateway.core.guild.GuildProtocol.Command;
import one.derailed.gateway.core.relay.RelayProtocol;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GuildLoading is a guild reading itself from the store, off the actor's thread. What needs the loaded guild
 * (subscriptions, moves, publishes, questions) waits in a bounded stash; unsubscribes and presence changes never
 * wait there but in {@link LoadingControls}, so that a full stash can never lose one. A failed read is tried again
 * with backoff, and the sessions waiting hear the guild is down (their clients see it unavailable) and get a whole
 * GUILD_CREATE once it loads. Asked to hand off meanwhile, it finishes loading first, so nothing it holds is lost.
 */
final class GuildLoading extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(GuildLoading.class);
    /** After this many failed reads with a hand-off asked for, the waiting messages go to the next incarnation. */
    private static final int TRIES_BEFORE_PASSING_ON = 3;

    private final GuildIncarnation self;
    private final StashBuffer<Command> stash;
    private final LoadingControls controls = new LoadingControls();
    private GuildProtocol.Handover handover;
    private boolean handOffAsked;
    private int attempt = 1;

    GuildLoading(GuildIncarnation self, StashBuffer<Command> stash, Command first) {
        super(self.context);
        this.self = self;
        this.stash = stash;
        self.context.cancelReceiveTimeout();
        onMessage(first);
        load();
    }

    private void load() {
        CompletableFuture<java.util.Optional<one.derailed.gateway.store.GuildSnapshot>> read =
                CompletableFuture.supplyAsync(() -> self.services.store().loadGuild(self.guildId),
                        self.services.storeExecutor());
        self.context.pipeToSelf(read, (snapshot, failure) -> failure == null ? new GuildSignals.Loaded(snapshot)
                : new GuildSignals.LoadFailed(String.valueOf(failure.getMessage())));
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        return switch (command) {
            case GuildSignals.Loaded loaded -> onLoaded(loaded);
            case GuildSignals.LoadFailed failed -> onLoadFailed(failed);
            case GuildSignals.LoadAgain again -> {
                load();
                yield this;
            }
            case GuildProtocol.Unsubscribe unsubscribe -> {
                controls.unsubscribe(unsubscribe);
                yield this;
            }
            case GuildProtocol.UpdatePresence update -> {
                controls.updatePresence(update);
                yield this;
            }
            case GuildProtocol.Handover received -> {
                handover = handover == null ? received : handover;
                yield this;
            }
            case GuildProtocol.HandOff handOff -> {
                handOffAsked = true;
                yield this;
            }
            case GuildSignals.RenewalWindowOver over -> {
                self.log.close();
                yield this;
            }
            case GuildSignals.IdleTimeout timeout -> this;
            case GuildSignals.HandoverWaitOver over -> this;
            case GuildSignals.Signal other -> this;
            default -> hold(command);
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            self.services.metrics().guildStopped();
        }
        return this;
    }

    private Behavior<Command> hold(Command command) {
        if (stash.isFull()) {
            refuse(command);
            return this;
        }
        switch (command) {
            case GuildProtocol.Subscribe subscribe -> controls.held(subscribe.relay(), subscribe.session());
            case GuildProtocol.Move move -> controls.held(move.newRelay(), move.newSession());
            default -> { }
        }
        stash.stash(command);
        return this;
    }

    /** The stash is full: what cannot wait is answered, so that its sender tries again or tells its caller. */
    private void refuse(Command command) {
        LOG.warn("guild {} is still loading and holds {} messages; refusing {}", self.guildId,
                stash.size(), command.getClass().getSimpleName());
        switch (command) {
            case GuildProtocol.Publish publish -> publish.replyTo().tell(GuildProtocol.PublishAck.refused(
                    "guild " + self.guildId + " is loading and holds " + stash.size()
                            + " messages (guilds.stash-capacity): try again"));
            case GuildProtocol.Subscribe subscribe -> self.link.tell(subscribe.relay(), new RelayProtocol.GuildDown(
                    new long[] {subscribe.session()}, self.guildId, true));
            case GuildProtocol.Move move -> {
                self.link.tell(move.newRelay(), new RelayProtocol.Resubscribe(new long[] {move.newSession()}, self.guildId,
                        move.incarnation()));
                self.link.tell(move.relay(), new RelayProtocol.Drained(move.session(), self.guildId));
            }
            case GuildProtocol.GetInfo get -> get.replyTo().tell(new GuildProtocol.Info(0, false));
            case GuildProtocol.GetPresences get -> get.replyTo().tell(new GuildProtocol.Presences(java.util.List.of()));
            default -> { }
        }
    }

    private Behavior<Command> onLoaded(GuildSignals.Loaded loaded) {
        if (loaded.snapshot().isEmpty()) {
            GuildAbsent absent = new GuildAbsent(self, stash);
            stash.forEach(absent::answerWaiting);
            stash.clear();
            return handOffAsked ? Behaviors.stopped() : absent;
        }
        GuildLive live = new GuildLive(self, new GuildDocument(loaded.snapshot().get()), controls);
        if (handover != null) {
            live.onMessage(handover);
        }
        Behavior<Command> next = stash.unstashAll(live);
        if (next == live) {
            live.loaded();
        }
        return handOffAsked && next == live ? live.handOff() : next;
    }

    /**
     * The store did not answer: the waiting sessions hear the guild is down (once), and the read is tried again
     * after a backoff. A guild asked to hand off that still cannot read passes what waits to its next incarnation
     * rather than hold up the hand-off.
     */
    private Behavior<Command> onLoadFailed(GuildSignals.LoadFailed failed) {
        LOG.warn("guild {} could not be loaded (try {}): {}", self.guildId, attempt,
                failed.reason());
        if (attempt == 1) {
            stash.forEach(this::tellDown);
        }
        attempt++;
        if (handOffAsked && attempt > TRIES_BEFORE_PASSING_ON) {
            stash.forEach(waiting -> self.services.successor().tell(self.guildId, waiting));
            controls.remaining().forEach(control -> self.services.successor().tell(self.guildId, control));
            if (handover != null) {
                self.services.successor().tell(self.guildId, handover);
            }
            stash.clear();
            return Behaviors.stopped();
        }
        self.timers.startSingleTimer(GuildSignals.LoadAgain.INSTANCE,
                self.services.settings().loadRetry().before(attempt));
        return this;
    }

    /**
     * Tells a waiting subscription the guild is down. A waiting Move is not told: its session holds what reaches it
     * directly until this guild drains its old node, which it does only once loaded, so the "down" would reach the
     * session after the guild is up again, and undo what came since.
     */
    private void tellDown(Command waiting) {
        if (waiting instanceof GuildProtocol.Subscribe subscribe) {
            controls.markToldDown(subscribe.relay(), subscribe.session());
            self.link.tell(subscribe.relay(), new RelayProtocol.GuildDown(new long[] {subscribe.session()},
                    self.guildId, false));
        }
    }
}
