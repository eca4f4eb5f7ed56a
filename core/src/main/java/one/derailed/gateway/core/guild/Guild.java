package one.derailed.gateway.core.guild;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import org.apache.pekko.actor.typed.PostStop;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.user.User;
import com.fasterxml.jackson.databind.JsonNode;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.GuildSnapshot;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Guild is one guild's process, placed by Cluster Sharding and found by id from any node. It loads the guild from
 * the store when its first session subscribes, answers each subscription with that session's GUILD_CREATE in the same
 * step (so no event falls between snapshot and subscription), and fans each published event out as one message per
 * node that has recipients.
 */
public final class Guild extends AbstractBehavior<Guild.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Guild");

    public sealed interface Command extends CborSerializable {}

    /**
     * A session wants this guild's events; {@code member} is its member object, encoded. A {@code quiet} subscription
     * renews one the session had with an earlier incarnation of this guild (which stopped: its node crashed, or it
     * moved): the client already has the guild, so it gets no GUILD_CREATE and others see no presence change.
     */
    public record Subscribe(ActorRef<Relay.Command> relay, long session, long userId, int intents, byte[] member,
                            String joinedAt, Presence presence, int largeThreshold, boolean quiet) implements Command {
        public Subscribe(ActorRef<Relay.Command> relay, long session, long userId, int intents, byte[] member,
                         String joinedAt, Presence presence, int largeThreshold) {
            this(relay, session, userId, intents, member, joinedAt, presence, largeThreshold, false);
        }
    }

    /**
     * A session moved to another node ({@code newRelay}, {@code newSession}): it takes the old one's place, and the
     * old node hears {@link Relay.Drained} after the last event sent there, so the session can put the events it got
     * through either node in order.
     */
    public record Move(ActorRef<Relay.Command> relay, long session, ActorRef<Relay.Command> newRelay,
                       long newSession, long userId, int intents) implements Command {}

    public record Unsubscribe(ActorRef<Relay.Command> relay, long session, long userId) implements Command {}

    /** The presences of those of {@code userIds} who are visibly online here (for op 8). */
    public record GetPresences(long[] userIds, ActorRef<Presences> replyTo) implements Command {}

    /** Each element is a PRESENCE_UPDATE-shaped presence object, encoded. */
    public record Presences(java.util.List<byte[]> presences) implements CborSerializable {}

    /** A session's user changed presence (op 3). */
    public record UpdatePresence(ActorRef<Relay.Command> relay, long session, long userId, Presence presence)
            implements Command {}

    /** An event for every subscriber allowed to see it; answered once handed to the nodes. */
    public record Publish(String event, byte[] data, ActorRef<PublishAck> replyTo) implements Command {}

    public record GetInfo(ActorRef<Info> replyTo) implements Command {}

    public record Info(int presences, boolean available) implements CborSerializable {}

    /** The answer to a Publish: accepted, or refused while the guild is overloaded. */
    public record PublishAck(boolean accepted, String reason) implements CborSerializable {
        public static final PublishAck ACCEPTED = new PublishAck(true, null);
    }

    /** A node with subscribers here is gone: crashed, or left without handing its sessions over. */
    private record NodeLost(ActorRef<Relay.Command> relay) implements Command {}

    private record SnapshotLoaded(Optional<GuildSnapshot> snapshot, String failure) implements Command {}

    private enum IdleTimeout implements Command { INSTANCE }

    /** What a guild needs from its node; {@code users} reaches a user's entity wherever it lives. */
    public record Services(GatewayStore store, Executor storeExecutor, Users users, Duration idleTimeout,
                           int stashCapacity, int fullGuildCreateMaxMembers, GatewayMetrics metrics) {}

    /** Users finds a user's entity: through Cluster Sharding in a node, directly in tests. */
    @FunctionalInterface
    public interface Users {
        void tell(long userId, User.Command command);
    }

    public static Behavior<Command> create(long guildId, ActorRef<ClusterSharding.ShardCommand> shard,
                                           Services services) {
        return Behaviors.setup(context -> Behaviors.withStash(services.stashCapacity(),
                stash -> new Guild(context, guildId, shard, services, stash)));
    }

    private final long guildId;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Services services;
    private final StashBuffer<Command> stash;
    private GuildDocument document;
    private final GuildState state;
    private boolean loading;

    private Guild(ActorContext<Command> context, long guildId, ActorRef<ClusterSharding.ShardCommand> shard,
                  Services services, StashBuffer<Command> stash) {
        super(context);
        this.guildId = guildId;
        this.shard = shard;
        this.services = services;
        this.stash = stash;
        this.state = new GuildState(guildId);
        services.metrics().guildStarted();
        context.setReceiveTimeout(services.idleTimeout(), IdleTimeout.INSTANCE);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(Unsubscribe.class, this::onUnsubscribe)
                .onMessage(Move.class, this::onMove)
                .onMessage(NodeLost.class, this::onNodeLost)
                .onMessage(UpdatePresence.class, this::onUpdatePresence)
                .onMessage(Publish.class, this::onPublish)
                .onMessage(GetInfo.class, this::onGetInfo)
                .onMessage(GetPresences.class, this::onGetPresences)
                .onMessage(SnapshotLoaded.class, this::onSnapshotLoaded)
                .onMessage(IdleTimeout.class, this::onIdleTimeout)
                .onSignal(PostStop.class, stop -> {
                    services.metrics().guildStopped();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onSubscribe(Subscribe subscribe) {
        if (document == null) {
            return holdUntilLoaded(subscribe);
        }
        watchNode(subscribe.relay());
        boolean cameOnline = state.subscribe(subscribe.relay(), subscribe.session(), subscribe.userId(),
                subscribe.intents(), subscribe.member(), subscribe.presence());
        byte[] guildCreate = subscribe.quiet() ? null : state.guildCreateFor(document, subscribe.userId(),
                guildCreateIntents(subscribe.intents()), subscribe.largeThreshold(), subscribe.joinedAt());
        subscribe.relay().tell(new Relay.Subscribed(subscribe.session(), guildId, guildCreate,
                getContext().getSelf()));
        if (cameOnline && !subscribe.quiet() && subscribe.presence().visibleToOthers()) {
            announcePresence(subscribe.userId(), subscribe.session());
        }
        getContext().cancelReceiveTimeout();
        return this;
    }

    private Behavior<Command> onUnsubscribe(Unsubscribe unsubscribe) {
        if (document == null) {
            return loading ? holdUntilLoaded(unsubscribe) : this;
        }
        boolean wasVisible = state.isVisiblyOnline(unsubscribe.userId());
        if (state.unsubscribe(unsubscribe.relay(), unsubscribe.session(), unsubscribe.userId()) && wasVisible) {
            announcePresence(unsubscribe.userId(), unsubscribe.session());
        }
        unwatchIfGone(unsubscribe.relay());
        idleWhenEmpty();
        return this;
    }

    /**
     * Past {@code fullGuildCreateMaxMembers} members a GUILD_CREATE carries only the receiver, as if it lacked
     * GUILD_PRESENCES (Discord's rule over 75k members): every online member's object and presence would make it
     * hundreds of megabytes at a million, built on this actor for each subscribing session. Clients ask op 8.
     */
    private int guildCreateIntents(int intents) {
        return document.memberCount() > services.fullGuildCreateMaxMembers()
                ? intents & ~Intents.GUILD_PRESENCES : intents;
    }

    /**
     * The moved session takes its old place when this guild still has it; otherwise (this guild is a newer
     * incarnation) it subscribes anew, quietly. Either way the old node gets the drain marker after everything this
     * guild sent it.
     */
    private Behavior<Command> onMove(Move move) {
        if (document == null && loading) {
            return holdUntilLoaded(move);
        }
        boolean moved = document != null && state.move(move.relay(), move.session(), move.newRelay(),
                move.newSession(), move.userId(), move.intents());
        if (moved) {
            watchNode(move.newRelay());
            unwatchIfGone(move.relay());
            move.newRelay().tell(new Relay.Subscribed(move.newSession(), guildId, null, getContext().getSelf()));
        } else {
            move.newRelay().tell(new Relay.Resubscribe(new long[] {move.newSession()}, guildId));
        }
        move.relay().tell(new Relay.Drained(move.session(), guildId));
        return this;
    }

    /**
     * A node's sessions cannot unsubscribe themselves when their node crashed: they go here at once, and users left
     * with no session are announced offline, as if each had closed.
     */
    private Behavior<Command> onNodeLost(NodeLost lost) {
        long[] wentOffline = state.removeNode(lost.relay());
        getContext().getLog().info("guild {}: a node left with sessions here; {} users went offline", guildId,
                wentOffline.length);
        for (long userId : wentOffline) {
            announcePresence(userId, 0);
        }
        idleWhenEmpty();
        return this;
    }

    private void watchNode(ActorRef<Relay.Command> relay) {
        if (!state.hasNode(relay)) {
            getContext().watchWith(relay, new NodeLost(relay));
        }
    }

    private void unwatchIfGone(ActorRef<Relay.Command> relay) {
        if (!state.hasNode(relay)) {
            getContext().unwatch(relay);
        }
    }

    private Behavior<Command> onUpdatePresence(UpdatePresence update) {
        if (document == null) {
            return loading ? holdUntilLoaded(update) : this;
        }
        boolean wasVisible = state.isVisiblyOnline(update.userId());
        if (state.updatePresence(update.relay(), update.session(), update.userId(), update.presence())
                && (wasVisible || update.presence().visibleToOthers())) {
            announcePresence(update.userId(), update.session());
        }
        return this;
    }

    private Behavior<Command> onPublish(Publish publish) {
        if (document == null) {
            if (loading) {
                return holdUntilLoaded(publish);
            }
            // Nobody is subscribed and nothing is cached: the store is the truth for the next load. A new member
            // may still have sessions elsewhere that must join.
            GatewayEvent event = GatewayEvent.of(publish.event());
            if (event == GatewayEvent.GUILD_MEMBER_ADD || event == GatewayEvent.MEMBER_JOIN) {
                tellNewMember(publish.data());
            }
            publish.replyTo().tell(PublishAck.ACCEPTED);
            return this;
        }
        GatewayEvent event = GatewayEvent.of(publish.event());
        Behavior<Command> next = switch (event) {
            case GUILD_MEMBER_ADD, MEMBER_JOIN -> onMemberJoined(publish);
            case GUILD_MEMBER_REMOVE, GUILD_BAN_ADD -> onMemberGone(publish);
            case GUILD_MEMBER_UPDATE -> onMemberUpdated(publish);
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
        publish.replyTo().tell(PublishAck.ACCEPTED);
        return next;
    }

    /** A new member: everyone sees the event, and the member's live sessions subscribe (through their User). */
    private Behavior<Command> onMemberJoined(Publish publish) {
        document.memberJoined();
        fanOut(publish.event(), publish.data(), Intents.GUILD_MEMBERS, 0);
        tellNewMember(publish.data());
        return this;
    }

    private void tellNewMember(byte[] member) {
        long userId = MemberEvents.userId(GuildDocument.parse(member));
        if (userId != 0) {
            services.users().tell(userId, new User.JoinedGuild(guildId, member));
        }
    }

    /**
     * A member left or was banned: their sessions get GUILD_DELETE and nothing more from this guild; the others see
     * the event and, if the member was visibly online, the presence go offline.
     */
    private Behavior<Command> onMemberGone(Publish publish) {
        long userId = MemberEvents.userId(GuildDocument.parse(publish.data()));
        if (userId != 0) {
            boolean wasVisible = state.isVisiblyOnline(userId);
            state.removeUser(userId).forEach((relay, sessions) -> {
                relay.tell(new Relay.Unsubscribed(sessions, guildId, false));
                unwatchIfGone(relay);
            });
            if (wasVisible) {
                announcePresence(userId, 0);
            }
        }
        if (GatewayEvent.of(publish.event()) == GatewayEvent.GUILD_MEMBER_REMOVE) {
            document.memberLeft();
        }
        fanOut(publish.event(), publish.data(), GatewayEvent.guildIntentOf(publish.event()), 0);
        idleWhenEmpty();
        return this;
    }

    private Behavior<Command> onMemberUpdated(Publish publish) {
        long userId = MemberEvents.userId(GuildDocument.parse(publish.data()));
        state.updateMember(userId, publish.data());
        fanOut(publish.event(), publish.data(), Intents.GUILD_MEMBERS, 0);
        return this;
    }

    /** The guild is gone: every subscriber gets GUILD_DELETE, and the entity stops. */
    private Behavior<Command> onGuildDeleted(Publish publish) {
        boolean unavailable = GuildDocument.parse(publish.data()).path("unavailable").asBoolean(false);
        state.allSessions().forEach((relay, sessions) ->
                relay.tell(new Relay.Unsubscribed(sessions, guildId, unavailable)));
        shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        return Behaviors.stopped();
    }

    private Behavior<Command> onGetPresences(GetPresences get) {
        if (loading) {
            return holdUntilLoaded(get);
        }
        get.replyTo().tell(new Presences(document == null ? java.util.List.of()
                : state.visiblePresences(get.userIds())));
        return this;
    }

    private Behavior<Command> onGetInfo(GetInfo get) {
        if (loading) {
            return holdUntilLoaded(get);
        }
        get.replyTo().tell(document == null ? new Info(0, false)
                : new Info(state.onlineCount(), state.subscriberCount() > 0));
        return this;
    }

    private Behavior<Command> onSnapshotLoaded(SnapshotLoaded loaded) {
        loading = false;
        if (loaded.snapshot().isPresent()) {
            document = new GuildDocument(loaded.snapshot().get());
            return stash.unstashAll(this);
        }
        if (loaded.failure() != null) {
            getContext().getLog().warn("guild {} could not be loaded: {}", guildId, loaded.failure());
        }
        // No such guild (or no store): every waiting session hears the guild is unavailable to it.
        boolean unavailable = loaded.failure() != null;
        stash.forEach(waiting -> {
            if (waiting instanceof Subscribe s) {
                s.relay().tell(new Relay.Unsubscribed(new long[] {s.session()}, guildId, unavailable));
            } else if (waiting instanceof Move m) {
                m.newRelay().tell(new Relay.Unsubscribed(new long[] {m.newSession()}, guildId, unavailable));
                m.relay().tell(new Relay.Drained(m.session(), guildId));
            } else if (waiting instanceof Publish p) {
                p.replyTo().tell(PublishAck.ACCEPTED);
            } else if (waiting instanceof GetInfo g) {
                g.replyTo().tell(new Info(0, false));
            } else if (waiting instanceof GetPresences g) {
                g.replyTo().tell(new Presences(java.util.List.of()));
            }
        });
        stash.clear();
        return this;
    }

    private Behavior<Command> onIdleTimeout(IdleTimeout timeout) {
        if (document == null || state.subscriberCount() == 0) {
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }

    private Behavior<Command> holdUntilLoaded(Command command) {
        if (stash.isFull()) {
            getContext().getLog().warn("guild {} is still loading and holds {} messages; refusing {}", guildId,
                    stash.size(), command.getClass().getSimpleName());
            if (command instanceof Publish p) {
                p.replyTo().tell(new PublishAck(false, "guild " + guildId + " is loading and overloaded"));
            } else if (command instanceof Subscribe s) {
                s.relay().tell(new Relay.Unsubscribed(new long[] {s.session()}, guildId, true));
            } else if (command instanceof Move m) {
                m.newRelay().tell(new Relay.Unsubscribed(new long[] {m.newSession()}, guildId, true));
                m.relay().tell(new Relay.Drained(m.session(), guildId));
            }
            return this;
        }
        stash.stash(command);
        if (!loading) {
            loading = true;
            GatewayStore store = services.store();
            getContext().pipeToSelf(
                    CompletableFuture.supplyAsync(() -> store.loadGuild(guildId), services.storeExecutor()),
                    (snapshot, failure) -> failure == null ? new SnapshotLoaded(snapshot, null)
                            : new SnapshotLoaded(Optional.empty(), String.valueOf(failure.getMessage())));
        }
        return this;
    }

    /**
     * Sends a user's presence: others see it as others may (invisible is offline), the user's own other sessions as
     * it is. {@code originSession} (or 0) is the session that changed it, which needs no echo.
     */
    private void announcePresence(long userId, long originSession) {
        fanOut(GatewayEvent.PRESENCE_UPDATE.name(), state.presenceUpdate(userId), Intents.GUILD_PRESENCES, userId);
        byte[] asSelf = null;
        for (Map.Entry<ActorRef<Relay.Command>, long[]> node : state.sessionsOf(userId).entrySet()) {
            long[] others = java.util.Arrays.stream(node.getValue()).filter(s -> s != originSession).toArray();
            if (others.length > 0) {
                asSelf = asSelf != null ? asSelf : state.presenceAsSelf(userId);
                node.getKey().tell(new Relay.Deliver(others, GatewayEvent.PRESENCE_UPDATE.name(), asSelf));
            }
        }
    }

    /**
     * A message goes out once per node with its content, and once more with content emptied for the sessions
     * without MESSAGE_CONTENT that are neither its author nor mentioned in it.
     */
    private void fanOutMessage(String event, byte[] data) {
        MessageContent message = MessageContent.of(data);
        byte[] stripped = null;
        Map<ActorRef<Relay.Command>, GuildState.ContentSplit> targets =
                state.targetsByContent(GatewayEvent.guildIntentOf(event), message::seenInFullBy);
        services.metrics().guildFanOut(targets.size());
        for (Map.Entry<ActorRef<Relay.Command>, GuildState.ContentSplit> node : targets.entrySet()) {
            GuildState.ContentSplit split = node.getValue();
            if (split.full().length > 0) {
                node.getKey().tell(new Relay.Deliver(split.full(), event, data));
            }
            if (split.stripped().length > 0) {
                stripped = stripped != null ? stripped : message.withoutContent();
                node.getKey().tell(new Relay.Deliver(split.stripped(), event, stripped));
            }
        }
    }

    private void idleWhenEmpty() {
        if (state.subscriberCount() == 0) {
            getContext().setReceiveTimeout(services.idleTimeout(), IdleTimeout.INSTANCE);
        }
    }

    /** Sends the event to each node with recipients: one message per node, whatever its number of sessions. */
    private void fanOut(String event, byte[] data, int requiredIntent, long excludedUser) {
        Map<ActorRef<Relay.Command>, long[]> targets = state.targets(requiredIntent, excludedUser);
        for (Map.Entry<ActorRef<Relay.Command>, long[]> node : targets.entrySet()) {
            node.getKey().tell(new Relay.Deliver(node.getValue(), event, data));
        }
        services.metrics().guildFanOut(targets.size());
    }
}
