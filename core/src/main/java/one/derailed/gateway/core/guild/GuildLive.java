package one.derailed.gateway.core.guild;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.GuildProtocol.Command;
import one.derailed.gateway.core.guild.GuildProtocol.LoggedEvent;
import one.derailed.gateway.core.guild.GuildProtocol.Subscribe;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GuildLive is a loaded guild: it answers each subscription with that session's GUILD_CREATE in the same step (so no
 * event falls between snapshot and subscription), fans each published event out as one message per node that has
 * recipients, and keeps who is online ({@link GuildState}) and the cached guild ({@link GuildDocument}).
 *
 * <p>While its renewal window is open it also logs what it sends, so the sessions of the incarnation before renew
 * without a gap ({@link one.derailed.gateway.core.renewal.RenewalLog}); when Cluster Sharding moves it, it hands that
 * log to the next incarnation.
 */
final class GuildLive extends AbstractMatchingBehavior<Command> {
    private static final Logger LOG = LoggerFactory.getLogger(GuildLive.class);
    private final GuildIncarnation self;
    private final GuildDocument document;
    private final GuildState state;
    private final RecentRemovals removals;
    private final GatewaySettings.Limits limits;
    /** Left over from loading: subscriptions that were cancelled, or whose presence changed, while they waited. */
    private final LoadingControls controls;
    /** Subscriptions of recently removed users, waiting for the store to say whether they are members again. */
    private final Map<SessionKey, Subscribe> checking = new HashMap<>();
    /** Renewals from an incarnation this one does not know, waiting for a handover that may tell. */
    private final Map<SessionKey, Subscribe> awaitingHandover = new LinkedHashMap<>();
    private final one.derailed.gateway.core.admin.GuildCensus.Entry census;

    private record SessionKey(ActorRef<RelayProtocol.Command> relay, long session) {}

    GuildLive(GuildIncarnation self, GuildDocument document, LoadingControls controls) {
        super(self.context);
        this.self = self;
        this.document = document;
        this.state = new GuildState(self.guildId);
        this.limits = self.services.limits();
        this.controls = controls;
        this.census = self.services.census().enter(self.guildId, document.name());
        this.removals = new RecentRemovals(self.services.settings().removalMemory(),
                self.services.settings().removalMemoryMaxUsers());
        self.context.setReceiveTimeout(self.services.settings().idleTimeout(), GuildSignals.IdleTimeout.INSTANCE);
    }

    /** After every message: the node's census hears the online count when it changed (a comparison otherwise). */
    @Override
    public Behavior<Command> onMessage(Command command) {
        Behavior<Command> next = handle(command);
        census.online(state.onlineCount(), document.memberCount());
        return next;
    }

    private Behavior<Command> handle(Command command) {
        return switch (command) {
            case Subscribe subscribe -> onSubscribe(subscribe);
            case GuildProtocol.Unsubscribe unsubscribe -> onUnsubscribe(unsubscribe);
            case GuildProtocol.Move move -> onMove(move);
            case GuildProtocol.UpdatePresence update -> onUpdatePresence(update);
            case GuildProtocol.Publish publish -> onPublish(publish);
            case GuildProtocol.GetInfo get -> {
                get.replyTo().tell(new GuildProtocol.Info(state.onlineCount(), state.subscriberCount() > 0));
                yield this;
            }
            case GuildProtocol.GetPresences get -> {
                get.replyTo().tell(new GuildProtocol.Presences(state.visiblePresences(get.userIds())));
                yield this;
            }
            case GuildProtocol.Handover handover -> onHandover(handover);
            case GuildProtocol.HandOff handOff -> handOff();
            case GuildSignals.MemberChecked checked -> onMemberChecked(checked);
            case GuildSignals.NodeLost lost -> onNodeLost(lost);
            case GuildSignals.IdleTimeout timeout -> onIdleTimeout();
            case GuildSignals.HandoverWaitOver over -> releaseAwaitingHandover();
            case GuildSignals.RenewalWindowOver over -> {
                self.log.close();
                yield releaseAwaitingHandover();
            }
            default -> {
                LOG.debug("guild {}: {} is not for a loaded guild", self.guildId,
                        command.getClass().getSimpleName());
                yield this;
            }
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            census.leave();
            self.services.metrics().guildStopped();
        }
        return this;
    }

    /** Called once the messages held while loading went through: the controls left apply now. */
    Behavior<Command> loaded() {
        controls.remaining().forEach(this::onMessage);
        return this;
    }

    private Behavior<Command> onSubscribe(Subscribe subscribe) {
        SessionKey key = new SessionKey(subscribe.relay(), subscribe.session());
        if (state.has(subscribe.relay(), subscribe.session())) {
            // Sent again: by a session that waited too long for the answer to the first (it waited here while this
            // guild loaded), or afresh by one whose client heard the guild was unavailable because something from
            // here was lost on the way. The subscription holds and nobody hears the user come online twice; a fresh
            // one gets the guild whole, which its session passes on only if its client lacks it.
            byte[] guildCreate = subscribe.renewal() ? null : guildCreateFor(subscribe);
            self.link.tell(subscribe.relay(), new RelayProtocol.Subscribed(subscribe.session(), self.guildId,
                    self.incarnation, guildCreate, false, self.context.getSelf()));
            return this;
        }
        if (controls.cancelled(subscribe.relay(), subscribe.session())) {
            return this;
        }
        Subscribe latest = controls.withLatestPresence(subscribe);
        // A renewal whose client heard the guild was down while it waited here gets the guild whole, like a first
        // subscription, whichever way it goes on (a membership check, a wait for a handover).
        Subscribe current = latest.renewal() && controls.toldDown(subscribe.relay(), subscribe.session())
                ? withRenews(latest, 0) : latest;
        if (removals.mustCheck(current.userId(), System.nanoTime())) {
            checking.put(key, current);
            CompletableFuture<Boolean> member = CompletableFuture.supplyAsync(
                    () -> self.services.store().findMember(self.guildId, current.userId()).isPresent(),
                    self.services.storeExecutor());
            self.context.pipeToSelf(member, (found, failure) -> new GuildSignals.MemberChecked(current,
                    failure == null && found, failure == null ? null : String.valueOf(failure.getMessage())));
            return this;
        }
        if (current.renewal() && mayLearnOfIncarnation(current.renews())) {
            awaitingHandover.put(key, current);
            return this;
        }
        take(current);
        return this;
    }

    /** Whether a handover still on its way could name {@code incarnation}: then a renewal from it waits for it. */
    private boolean mayLearnOfIncarnation(long incarnation) {
        return !self.log.isClosed() && !self.log.adopted() && !self.log.knows(incarnation)
                && System.nanoTime() - self.startedNanos < self.services.settings().handoverWait().toNanos();
    }

    /**
     * Takes a subscription. A renewal gets what it missed since its incarnation stopped, from the renewal log; when
     * the log cannot tell (its window is over, or it lost the events), the client gets the guild whole instead, after
     * hearing it was unavailable.
     */
    private void take(Subscribe subscribe) {
        boolean resync = false;
        List<LoggedEvent> missed = null;
        if (subscribe.renewal()) {
            missed = self.log.missedBy(subscribe.renews());
            resync = missed == null;
        }
        if (missed != null) {
            int removal = lastRemovalOf(missed, subscribe.userId());
            if (removal >= 0) {
                replay(subscribe, missed.subList(0, removal + 1));
                self.link.tell(subscribe.relay(), new RelayProtocol.Unsubscribed(new long[] {subscribe.session()},
                        self.guildId, false));
                return;
            }
        }
        watchNode(subscribe.relay());
        boolean cameOnline = state.subscribe(subscribe.relay(), subscribe.session(), subscribe.userId(),
                subscribe.intents(), subscribe.member(), subscribe.presence());
        byte[] guildCreate = missed != null ? null : guildCreateFor(subscribe);
        self.link.tell(subscribe.relay(), new RelayProtocol.Subscribed(subscribe.session(), self.guildId, self.incarnation,
                guildCreate, resync, self.context.getSelf()));
        if (missed != null) {
            replay(subscribe, missed);
        }
        // A renewing user is online for those who renewed before, but not for those who subscribed to this
        // incarnation afresh: everyone hears it (a repeat changes nothing for the first).
        if (cameOnline && subscribe.presence().visibleToOthers()) {
            announcePresence(subscribe.userId(), subscribe.session());
        }
        self.context.cancelReceiveTimeout();
    }

    private static int lastRemovalOf(List<LoggedEvent> events, long userId) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).removedUser() == userId) {
                return i;
            }
        }
        return -1;
    }

    /** Sends a renewing session the logged events it may see, in order. */
    private void replay(Subscribe subscribe, List<LoggedEvent> events) {
        for (LoggedEvent event : events) {
            if (!Intents.allows(subscribe.intents(), event.requiredIntent())
                    || event.excludedUser() == subscribe.userId() || event.removedUser() == subscribe.userId()) {
                continue;
            }
            byte[] data = event.data();
            if (event.messageContent() && !Intents.allows(subscribe.intents(), Intents.MESSAGE_CONTENT)) {
                MessageContent message = MessageContent.of(data);
                data = message.seenInFullBy(subscribe.userId()) ? data : message.withoutContent();
            }
            self.link.tell(subscribe.relay(), new RelayProtocol.Deliver(new long[] {subscribe.session()}, event.event(), data));
        }
    }

    /**
     * A GUILD_CREATE for one receiver. Past {@code fullGuildCreateMaxMembers} members, or past
     * {@code limits.max-guild-create-bytes}, it carries only the receiver, as if it lacked GUILD_PRESENCES (Discord's
     * large-guild form): every online member and presence would be built on this actor for each subscriber, and would
     * not fit between nodes. Clients ask op 8 for the rest.
     */
    private byte[] guildCreateFor(Subscribe subscribe) {
        int intents = subscribe.intents();
        boolean full = Intents.allows(intents, Intents.GUILD_PRESENCES)
                && document.memberCount() <= self.services.settings().fullGuildCreateMaxMembers()
                && state.fullGuildCreateBytes(document) <= limits.maxGuildCreateBytes();
        byte[] guildCreate = state.guildCreateFor(document, subscribe.userId(),
                full ? intents : intents & ~Intents.GUILD_PRESENCES, subscribe.largeThreshold(), subscribe.joinedAt());
        if (full && guildCreate.length > limits.maxGuildCreateBytes()) {
            guildCreate = state.guildCreateFor(document, subscribe.userId(), intents & ~Intents.GUILD_PRESENCES,
                    subscribe.largeThreshold(), subscribe.joinedAt());
        }
        return guildCreate;
    }

    private Behavior<Command> onMemberChecked(GuildSignals.MemberChecked checked) {
        Subscribe subscribe = checked.subscribe();
        SessionKey key = new SessionKey(subscribe.relay(), subscribe.session());
        if (checking.get(key) != subscribe) {
            return this; // unsubscribed meanwhile
        }
        checking.remove(key);
        long[] session = {subscribe.session()};
        if (checked.failure() != null) {
            LOG.warn("guild {}: could not check the membership of user {}: {}", self.guildId,
                    subscribe.userId(), checked.failure());
            self.link.tell(subscribe.relay(), new RelayProtocol.GuildDown(session, self.guildId, true));
        } else if (checked.member()) {
            removals.joined(subscribe.userId());
            take(subscribe);
        } else {
            self.link.tell(subscribe.relay(), new RelayProtocol.Unsubscribed(session, self.guildId, false));
        }
        return this;
    }

    private Behavior<Command> onUnsubscribe(GuildProtocol.Unsubscribe unsubscribe) {
        SessionKey key = new SessionKey(unsubscribe.relay(), unsubscribe.session());
        checking.remove(key);
        awaitingHandover.remove(key);
        boolean wasVisible = state.isVisiblyOnline(unsubscribe.userId());
        if (state.unsubscribe(unsubscribe.relay(), unsubscribe.session(), unsubscribe.userId()) && wasVisible) {
            announcePresence(unsubscribe.userId(), unsubscribe.session());
        }
        unwatchIfGone(unsubscribe.relay());
        idleWhenEmpty();
        return this;
    }

    /**
     * The moved session takes its old place when this incarnation has it; otherwise (this is a newer incarnation)
     * it renews, quietly, from the incarnation it had. Either way the old node gets the drain marker after everything
     * this guild sent it.
     */
    private Behavior<Command> onMove(GuildProtocol.Move move) {
        boolean moved = state.move(move.relay(), move.session(), move.newRelay(), move.newSession(), move.userId(),
                move.intents());
        if (moved) {
            watchNode(move.newRelay());
            unwatchIfGone(move.relay());
            self.link.tell(move.newRelay(), new RelayProtocol.Subscribed(move.newSession(), self.guildId, self.incarnation, null,
                    false, self.context.getSelf()));
        } else {
            self.link.tell(move.newRelay(), new RelayProtocol.Resubscribe(new long[] {move.newSession()}, self.guildId,
                    move.incarnation()));
        }
        self.link.tell(move.relay(), new RelayProtocol.Drained(move.session(), self.guildId));
        return this;
    }

    /**
     * A node's sessions cannot unsubscribe themselves when their node crashed: they go here at once, and users left
     * with no session are announced offline, as if each had closed.
     */
    private Behavior<Command> onNodeLost(GuildSignals.NodeLost lost) {
        self.link.forget(lost.relay());
        checking.keySet().removeIf(key -> key.relay().equals(lost.relay()));
        awaitingHandover.keySet().removeIf(key -> key.relay().equals(lost.relay()));
        long[] wentOffline = state.removeNode(lost.relay());
        LOG.info("guild {}: a node left with sessions here; {} users went offline", self.guildId,
                wentOffline.length);
        for (long userId : wentOffline) {
            announcePresence(userId, 0);
        }
        idleWhenEmpty();
        return this;
    }

    private void watchNode(ActorRef<RelayProtocol.Command> relay) {
        if (!state.hasNode(relay)) {
            self.context.watchWith(relay, new GuildSignals.NodeLost(relay));
        }
    }

    private void unwatchIfGone(ActorRef<RelayProtocol.Command> relay) {
        if (!state.hasNode(relay)) {
            self.context.unwatch(relay);
        }
    }

    /** An op 3 that leaves the user's presence as others see it unchanged is not announced. */
    private Behavior<Command> onUpdatePresence(GuildProtocol.UpdatePresence update) {
        byte[] before = state.isVisiblyOnline(update.userId()) ? state.presenceUpdate(update.userId()) : null;
        if (!state.updatePresence(update.relay(), update.session(), update.userId(), update.presence())) {
            return this;
        }
        byte[] after = state.isVisiblyOnline(update.userId()) ? state.presenceUpdate(update.userId()) : null;
        if (!Arrays.equals(before, after)) {
            announcePresence(update.userId(), update.session());
        }
        return this;
    }

    private Behavior<Command> onPublish(GuildProtocol.Publish publish) {
        String refused = refusal(publish);
        if (refused != null) {
            publish.replyTo().tell(GuildProtocol.PublishAck.refused(refused));
            return this;
        }
        if (self.keys.seen(publish.idempotencyKey(), System.nanoTime())) {
            publish.replyTo().tell(GuildProtocol.PublishAck.ACCEPTED);
            return this;
        }
        GatewayEvent event = GatewayEvent.of(publish.event());
        Behavior<Command> next = switch (event) {
            case GUILD_MEMBER_ADD, MEMBER_JOIN -> onMemberJoined(publish);
            case GUILD_MEMBER_REMOVE, GUILD_BAN_ADD -> onMemberGone(publish, event);
            case GUILD_MEMBER_UPDATE -> {
                state.updateMember(MemberEvents.userId(GuildDocument.parse(publish.data())), publish.data());
                fanOut(publish.event(), publish.data(), Intents.GUILD_MEMBERS, 0);
                yield this;
            }
            case GUILD_DELETE -> onGuildDeleted(publish);
            case GUILD_UPDATE, CHANNEL_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE, GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE,
                    GUILD_ROLE_DELETE -> {
                document.apply(event, GuildDocument.parse(publish.data()));
                fanOut(publish.event(), publish.data(), GatewayEvent.guildIntentOf(publish.event()), 0);
                yield this;
            }
            case null, default -> {
                if (GatewayEvent.carriesMessageContent(publish.event())) {
                    fanOutMessage(publish.event(), publish.data());
                } else {
                    fanOut(publish.event(), publish.data(), GatewayEvent.guildIntentOf(publish.event()), 0);
                }
                yield this;
            }
        };
        publish.replyTo().tell(GuildProtocol.PublishAck.ACCEPTED);
        return next;
    }

    /** Why a publish cannot be taken, or null: an event that could grow the cached guild past its bound. */
    private String refusal(GuildProtocol.Publish publish) {
        boolean grows = switch (GatewayEvent.of(publish.event())) {
            case GUILD_UPDATE, CHANNEL_CREATE, CHANNEL_UPDATE, GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE -> true;
            case null, default -> false;
        };
        if (grows && document.encodedFields().length + publish.data().length > limits.maxGuildDocumentBytes()) {
            return publish.event() + " could make guild " + self.guildId + "'s cached object larger than "
                    + limits.maxGuildDocumentBytes() + " bytes (limits.max-guild-document-bytes)";
        }
        return null;
    }

    /** A new member: everyone sees the event, and the member's live sessions subscribe (through their User). */
    private Behavior<Command> onMemberJoined(GuildProtocol.Publish publish) {
        document.memberJoined();
        fanOut(publish.event(), publish.data(), Intents.GUILD_MEMBERS, 0);
        long userId = MemberEvents.userId(GuildDocument.parse(publish.data()));
        if (userId != 0) {
            removals.joined(userId);
            self.services.users().tell(userId, new UserProtocol.JoinedGuild(self.guildId, publish.data()));
        }
        return this;
    }

    /**
     * A member left or was banned: their sessions get GUILD_DELETE and nothing more from this guild; the others see
     * the event and, if the member was visibly online, the presence go offline. A subscription of theirs still on
     * its way is checked against the store when it arrives.
     */
    private Behavior<Command> onMemberGone(GuildProtocol.Publish publish, GatewayEvent event) {
        long userId = MemberEvents.userId(GuildDocument.parse(publish.data()));
        if (userId != 0) {
            removals.removed(userId, System.nanoTime());
            dropWaiting(userId);
            boolean wasVisible = state.isVisiblyOnline(userId);
            state.removeUser(userId).forEach((relay, sessions) -> {
                self.link.tell(relay, new RelayProtocol.Unsubscribed(sessions, self.guildId, false));
                unwatchIfGone(relay);
            });
            if (wasVisible) {
                announcePresence(userId, 0);
            }
        }
        if (event == GatewayEvent.GUILD_MEMBER_REMOVE) {
            document.memberLeft();
        }
        int required = GatewayEvent.guildIntentOf(publish.event());
        fanOut(publish.event(), publish.data(), required, 0, userId);
        idleWhenEmpty();
        return this;
    }

    /** A removed user's subscriptions that wait here (for the store, or a handover) end as the removal does. */
    private void dropWaiting(long userId) {
        for (Map<SessionKey, Subscribe> waiting : List.of(checking, awaitingHandover)) {
            waiting.entrySet().removeIf(entry -> {
                if (entry.getValue().userId() != userId) {
                    return false;
                }
                self.link.tell(entry.getKey().relay(), new RelayProtocol.Unsubscribed(new long[] {entry.getKey().session()},
                        self.guildId, false));
                return true;
            });
        }
    }

    /** The guild is gone: every subscriber gets GUILD_DELETE, and the entity stops. */
    private Behavior<Command> onGuildDeleted(GuildProtocol.Publish publish) {
        boolean unavailable = GuildDocument.parse(publish.data()).path("unavailable").asBoolean(false);
        state.allSessions().forEach((relay, sessions) ->
                self.link.tell(relay, new RelayProtocol.Unsubscribed(sessions, self.guildId, unavailable)));
        for (Map<SessionKey, Subscribe> waiting : List.of(checking, awaitingHandover)) {
            waiting.keySet().forEach(key -> self.link.tell(key.relay(), new RelayProtocol.Unsubscribed(
                    new long[] {key.session()}, self.guildId, unavailable)));
        }
        self.passivate();
        return Behaviors.stopped();
    }

    private Behavior<Command> onHandover(GuildProtocol.Handover handover) {
        self.log.adopt(handover.from(), handover.log());
        self.keys.adopt(handover.recentKeys(), System.nanoTime());
        return releaseAwaitingHandover();
    }

    private Behavior<Command> releaseAwaitingHandover() {
        List<Subscribe> waiting = new ArrayList<>(awaitingHandover.values());
        awaitingHandover.clear();
        waiting.forEach(this::take);
        return this;
    }

    /**
     * Cluster Sharding moves this guild: the next incarnation gets this one's renewal log and keys (only when there
     * is someone to renew: a handover starts the next incarnation at once), then this one stops. Its subscribers'
     * relays see it stop and renew with the next.
     */
    Behavior<Command> handOff() {
        if (!self.passivating && (state.subscriberCount() > 0 || self.log.size() > 0 || !checking.isEmpty()
                || !awaitingHandover.isEmpty())) {
            self.services.successor().tell(self.guildId, new GuildProtocol.Handover(self.incarnation,
                    self.log.carry(), self.keys.carry(System.nanoTime())));
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onIdleTimeout() {
        if (state.subscriberCount() == 0 && checking.isEmpty() && awaitingHandover.isEmpty()) {
            self.passivate();
        }
        return this;
    }

    private void idleWhenEmpty() {
        if (state.subscriberCount() == 0) {
            self.context.setReceiveTimeout(self.services.settings().idleTimeout(), GuildSignals.IdleTimeout.INSTANCE);
        }
    }

    /**
     * Sends a user's presence: others see it as others may (invisible is offline), the user's own other sessions as
     * it is. {@code originSession} (or 0) is the session that changed it, which needs no echo.
     */
    private void announcePresence(long userId, long originSession) {
        fanOut(GatewayEvent.PRESENCE_UPDATE.name(), state.presenceUpdate(userId), Intents.GUILD_PRESENCES, userId);
        byte[] asSelf = null;
        for (Map.Entry<ActorRef<RelayProtocol.Command>, long[]> node : state.sessionsOf(userId).entrySet()) {
            long[] others = Arrays.stream(node.getValue()).filter(s -> s != originSession).toArray();
            if (others.length > 0) {
                asSelf = asSelf != null ? asSelf : state.presenceAsSelf(userId);
                deliver(node.getKey(), others, GatewayEvent.PRESENCE_UPDATE.name(), asSelf);
            }
        }
    }

    /**
     * A message goes out once per node with its content, and once more with content emptied for the sessions
     * without MESSAGE_CONTENT that are neither its author nor mentioned in it.
     */
    private void fanOutMessage(String event, byte[] data) {
        int required = GatewayEvent.guildIntentOf(event);
        log(new LoggedEvent(event, data, required, 0, true, 0));
        MessageContent message = MessageContent.of(data);
        byte[] stripped = null;
        Map<ActorRef<RelayProtocol.Command>, GuildState.ContentSplit> targets =
                state.targetsByContent(required, message::seenInFullBy);
        self.services.metrics().guildFanOut(targets.size());
        for (Map.Entry<ActorRef<RelayProtocol.Command>, GuildState.ContentSplit> node : targets.entrySet()) {
            GuildState.ContentSplit split = node.getValue();
            if (split.full().length > 0) {
                deliver(node.getKey(), split.full(), event, data);
            }
            if (split.stripped().length > 0) {
                stripped = stripped != null ? stripped : message.withoutContent();
                deliver(node.getKey(), split.stripped(), event, stripped);
            }
        }
    }

    private void fanOut(String event, byte[] data, int requiredIntent, long excludedUser) {
        fanOut(event, data, requiredIntent, excludedUser, 0);
    }

    /** Sends the event to each node with recipients: one message per node, whatever its number of sessions. */
    private void fanOut(String event, byte[] data, int requiredIntent, long excludedUser, long removedUser) {
        log(new LoggedEvent(event, data, requiredIntent, excludedUser, false, removedUser));
        Map<ActorRef<RelayProtocol.Command>, long[]> targets = state.targets(requiredIntent, excludedUser);
        for (Map.Entry<ActorRef<RelayProtocol.Command>, long[]> node : targets.entrySet()) {
            deliver(node.getKey(), node.getValue(), event, data);
        }
        self.services.metrics().guildFanOut(targets.size());
    }

    private void log(LoggedEvent event) {
        if (!self.log.isClosed()) {
            self.log.append(event);
        }
    }

    /** One delivery per node, split when it names more sessions than one message between nodes may carry. */
    private void deliver(ActorRef<RelayProtocol.Command> relay, long[] sessions, String event, byte[] data) {
        int most = limits.maxRecipientsPerDelivery();
        if (sessions.length <= most) {
            self.link.tell(relay, new RelayProtocol.Deliver(sessions, event, data));
            return;
        }
        for (int from = 0; from < sessions.length; from += most) {
            self.link.tell(relay, new RelayProtocol.Deliver(Arrays.copyOfRange(sessions, from,
                    Math.min(sessions.length, from + most)), event, data));
        }
    }

    /** For {@link LoadingControls}: a presence a waiting subscription now has. */
    static Subscribe withPresence(Subscribe subscribe, Presence presence) {
        return new Subscribe(subscribe.relay(), subscribe.session(), subscribe.userId(), subscribe.intents(),
                subscribe.member(), subscribe.joinedAt(), presence, subscribe.largeThreshold(), subscribe.renews());
    }

    private static Subscribe withRenews(Subscribe subscribe, long renews) {
        return new Subscribe(subscribe.relay(), subscribe.session(), subscribe.userId(), subscribe.intents(),
                subscribe.member(), subscribe.joinedAt(), subscribe.presence(), subscribe.largeThreshold(), renews);
    }
}
