package one.derailed.gateway.core.guild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.testing.TestData;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guild's incarnations and its store: what a new incarnation keeps for the sessions of the one before, what a
 * handing-off one passes on, and what a slow, failing or overloaded load does to the sessions waiting for it. Every
 * message goes through the CBOR serializer; the store is a real H2 database, made slow or failing from outside.
 */
class GuildIncarnationTest {

    /** Entities send relays numbered messages: each relay probe gets them through an unwrapping stand-in. */
    private final java.util.Map<TestProbe<RelayProtocol.Command>, ActorRef<RelayProtocol.Command>> relayRefs =
            new java.util.HashMap<>();

    private ActorRef<RelayProtocol.Command> ref(TestProbe<RelayProtocol.Command> probe) {
        return relayRefs.computeIfAbsent(probe, p -> one.derailed.gateway.core.relay.RelayProbes.unwrapping(KIT, p));
    }
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final GatewaySettings SETTINGS = GatewaySettings.from(ActorTests.config());
    private static final Presence ONLINE = new Presence("online", "[]", Presence.Platform.desktop);
    private static Database database;
    private static TestData data;

    private final TestProbe<RelayProtocol.Command> relay = KIT.createTestProbe();
    private final TestProbe<GuildProtocol.Command> successor = KIT.createTestProbe();
    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
    private final TestProbe<GuildProtocol.PublishAck> acks = KIT.createTestProbe();

    @BeforeAll
    static void open() {
        database = TestDatabases.h2();
        data = TestData.of(database);
    }

    @AfterAll
    static void close() {
        KIT.shutdownTestKit();
        database.close();
    }

    /** The guild settings of derailed.conf, with the waits of these tests. */
    private static final class Settings {
        int stashCapacity = 100;
        Duration renewalWindow = Duration.ofSeconds(15);
        Duration handoverWait = Duration.ofMillis(50);
        long maxGuildCreateBytes = SETTINGS.limits().maxGuildCreateBytes();
        long maxGuildDocumentBytes = SETTINGS.limits().maxGuildDocumentBytes();
        int maxRecipients = SETTINGS.limits().maxRecipientsPerDelivery();

        GuildServices services(GatewayStore store) {
            GatewaySettings.Guilds g = SETTINGS.guilds();
            GatewaySettings.Limits l = SETTINGS.limits();
            return new GuildServices(store, Executors.newFixedThreadPool(2), (userId, command) -> { },
                    (guildId, command) -> SUCCESSORS.forEach(probe -> probe.getRef().tell(command)),
                    new GatewaySettings.Guilds(Duration.ofMinutes(1), stashCapacity, g.fullGuildCreateMaxMembers(),
                            new GatewaySettings.Retry(Duration.ofMillis(100), Duration.ofMillis(200)),
                            renewalWindow, g.renewalLogMaxEvents(), g.renewalLogMaxBytes(), handoverWait,
                            g.removalMemory(), g.removalMemoryMaxUsers(), g.idempotencyWindow(), g.idempotencyMaxKeys()),
                    new GatewaySettings.Limits(l.maxEventBytes(), maxGuildCreateBytes, maxGuildDocumentBytes,
                            l.maxGuildsPerSession(), l.memberChunkSize(), l.membershipsPerPage(), maxRecipients,
                            l.maxMemberObjectBytes(), l.maxClusterMessageBytes()),
                    new GatewayMetrics());
        }
    }

    /** Where guilds' successors are told things, per test. */
    private static final List<TestProbe<GuildProtocol.Command>> SUCCESSORS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ActorRef<GuildProtocol.Command> guild(long guildId, GuildServices services) {
        SUCCESSORS.clear();
        SUCCESSORS.add(successor);
        return KIT.spawn(Guild.create(guildId, shard.getRef(), services));
    }

    private ActorRef<GuildProtocol.Command> guild(long guildId) {
        return guild(guildId, new Settings().services(database.store()));
    }

    private GuildProtocol.Subscribe subscribe(long session, long userId, long renews) {
        return subscribe(relay, session, userId, renews, ONLINE);
    }

    private GuildProtocol.Subscribe subscribe(TestProbe<RelayProtocol.Command> relay, long session,
                                                     long userId, long renews, Presence presence) {
        byte[] member = ("{\"user\":{\"id\":\"" + userId + "\"}}").getBytes(StandardCharsets.UTF_8);
        return new GuildProtocol.Subscribe(ref(relay), session, userId, Intents.ALL, member,
                "2026-01-01T00:00:00Z", presence, 50, renews);
    }

    private GuildProtocol.Publish publish(String event, String data) {
        return publish(event, data, null);
    }

    private GuildProtocol.Publish publish(String event, String data, String key) {
        return new GuildProtocol.Publish(event, data.getBytes(StandardCharsets.UTF_8), key, acks.getRef());
    }

    private static JsonNode json(byte[] bytes) {
        return Json.readOrMissing(bytes);
    }

    /** What the relay got so far, per session, not yet looked at. */
    private final java.util.Map<Long, java.util.ArrayDeque<RelayProtocol.Command>> unread = new java.util.HashMap<>();

    /** The next {@code count} messages the relay got for {@code session}, in order (others are kept for later). */
    private List<RelayProtocol.Command> forSession(long session, int count) {
        List<RelayProtocol.Command> got = new ArrayList<>();
        while (got.size() < count) {
            java.util.ArrayDeque<RelayProtocol.Command> mine = unread.computeIfAbsent(session,
                    s -> new java.util.ArrayDeque<>());
            if (!mine.isEmpty()) {
                got.add(mine.removeFirst());
                continue;
            }
            RelayProtocol.Command message = relay.receiveMessage(Duration.ofSeconds(10));
            long[] sessions = switch (message) {
                case RelayProtocol.Deliver deliver -> deliver.sessions();
                case RelayProtocol.Subscribed subscribed -> new long[] {subscribed.session()};
                case RelayProtocol.Unsubscribed unsubscribed -> unsubscribed.sessions();
                case RelayProtocol.GuildDown down -> down.sessions();
                default -> new long[0];
            };
            for (long recipient : sessions) {
                unread.computeIfAbsent(recipient, s -> new java.util.ArrayDeque<>()).addLast(message);
            }
        }
        return got;
    }

    /** The contents of the next {@code count} MESSAGE_CREATEs for {@code session}, whatever else came between. */
    private List<String> messagesFor(long session, int count) {
        List<RelayProtocol.Command> seen = new ArrayList<>();
        while (contents(seen).size() < count) {
            seen.addAll(forSession(session, 1));
        }
        return contents(seen);
    }

    private static List<String> contents(List<RelayProtocol.Command> messages) {
        List<String> contents = new ArrayList<>();
        for (RelayProtocol.Command message : messages) {
            if (message instanceof RelayProtocol.Deliver deliver && deliver.event().equals("MESSAGE_CREATE")) {
                contents.add(json(deliver.data()).path("content").asText());
            }
        }
        return contents;
    }

    @Test
    void whatANewIncarnationSentBeforeASessionRenewedReachesItOnceAndInOrder() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, 0));
        assertThat(forSession(1, 1).get(0)).isInstanceOf(RelayProtocol.Subscribed.class);

        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"one\"}"));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"two\"}"));
        // bob's session was subscribed to the incarnation before (77), which stopped: it renews here
        guild.tell(subscribe(2, bob, 77));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"three\"}"));

        RelayProtocol.Subscribed renewed = (RelayProtocol.Subscribed) forSession(2, 1).get(0);
        assertThat(renewed.guildCreate()).as("the client has the guild").isNull();
        assertThat(renewed.resync()).isFalse();
        assertThat(((RelayProtocol.Deliver) forSession(2, 1).get(0)).event()).as("ada came online here")
                .isEqualTo("PRESENCE_UPDATE");
        assertThat(messagesFor(2, 3)).containsExactly("one", "two", "three");
        assertThat(messagesFor(1, 3)).containsExactly("one", "two", "three");
    }

    @Test
    void aHandingOffIncarnationPassesItsLogAndKeysToTheNext() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> first = guild(id);
        first.tell(subscribe(1, ada, 0));
        long firstIncarnation = ((RelayProtocol.Subscribed) forSession(1, 1).get(0)).incarnation();
        first.tell(publish("MESSAGE_CREATE", "{\"content\":\"before\"}", "key-1"));
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
        assertThat(messagesFor(1, 1)).containsExactly("before");

        TestProbe<Object> watcher = KIT.createTestProbe();
        first.tell(GuildProtocol.HandOff.INSTANCE);
        watcher.expectTerminated(first, Duration.ofSeconds(10));
        GuildProtocol.Handover handover = (GuildProtocol.Handover) successor.receiveMessage(Duration.ofSeconds(10));
        assertThat(handover.from()).isEqualTo(firstIncarnation);
        assertThat(handover.recentKeys()).containsExactly("key-1");

        ActorRef<GuildProtocol.Command> second = guild(id);
        second.tell(publish("MESSAGE_CREATE", "{\"content\":\"between\"}"));
        second.tell(handover);
        second.tell(publish("MESSAGE_CREATE", "{\"content\":\"before\"}", "key-1"));
        second.tell(subscribe(1, ada, firstIncarnation));
        second.tell(subscribe(2, bob, 4242));
        second.tell(publish("MESSAGE_CREATE", "{\"content\":\"after\"}"));

        assertThat(forSession(1, 1).get(0)).isInstanceOf(RelayProtocol.Subscribed.class);
        assertThat(messagesFor(1, 2)).as("ada's session had the first incarnation").containsExactly("between", "after");
        assertThat(forSession(2, 1).get(0)).isInstanceOf(RelayProtocol.Subscribed.class);
        assertThat(messagesFor(2, 3)).as("bob's had the one before it: he missed both")
                .containsExactly("before", "between", "after");
        relay.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aRenewalAfterTheWindowGetsTheWholeGuildAfterHearingItWasUnavailable() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        Settings settings = new Settings();
        settings.renewalWindow = Duration.ofMillis(1);
        ActorRef<GuildProtocol.Command> guild = guild(id, settings.services(database.store()));
        long started = System.nanoTime();
        // the window is a duration: wait out that duration, then renew
        Awaitility.await().until(() -> System.nanoTime() - started > Duration.ofMillis(100).toNanos());
        guild.tell(subscribe(1, ada, 77));
        RelayProtocol.Subscribed renewed = (RelayProtocol.Subscribed) forSession(1, 1).get(0);
        assertThat(renewed.resync()).isTrue();
        assertThat(json(renewed.guildCreate()).path("name").asText()).isEqualTo("HQ");
    }

    @Test
    void aStoreThatFailsTellsTheWaitingSessionAndServesItWhenBack() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        FaultyDataSource store = new FaultyDataSource(database.dataSource());
        store.failNext(2);
        ActorRef<GuildProtocol.Command> guild = guild(id, new Settings().services(new GatewayStore(store)));
        guild.tell(subscribe(1, ada, 77));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"held\"}"));

        RelayProtocol.GuildDown down = (RelayProtocol.GuildDown) forSession(1, 1).get(0);
        assertThat(down.retry()).as("the guild keeps the subscription").isFalse();
        RelayProtocol.Subscribed back = (RelayProtocol.Subscribed) forSession(1, 1).get(0);
        assertThat(back.guildCreate()).as("told it was down, the client gets the guild whole").isNotNull();
        assertThat(messagesFor(1, 1)).containsExactly("held");
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
    }

    @Test
    void aGuildAskedToHandOffWhileLoadingFinishesLoadingFirst() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        FaultyDataSource store = new FaultyDataSource(database.dataSource());
        store.hold();
        ActorRef<GuildProtocol.Command> guild = guild(id, new Settings().services(new GatewayStore(store)));
        guild.tell(subscribe(1, ada, 0));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"while loading\"}"));
        guild.tell(GuildProtocol.HandOff.INSTANCE);
        store.release();

        assertThat(((RelayProtocol.Subscribed) forSession(1, 1).get(0)).guildCreate()).isNotNull();
        assertThat(messagesFor(1, 1)).containsExactly("while loading");
        assertThat(successor.receiveMessage(Duration.ofSeconds(10))).isInstanceOf(GuildProtocol.Handover.class);
        KIT.createTestProbe().expectTerminated(guild, Duration.ofSeconds(10));
    }

    @Test
    void aFullStashLosesNoUnsubscribeAndNoPresenceChange() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        FaultyDataSource store = new FaultyDataSource(database.dataSource());
        store.hold();
        Settings settings = new Settings();
        settings.stashCapacity = 2;
        ActorRef<GuildProtocol.Command> guild = guild(id, settings.services(new GatewayStore(store)));
        guild.tell(subscribe(1, ada, 0));
        guild.tell(subscribe(2, bob, 0));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"no room\"}"));
        assertThat(acks.receiveMessage().accepted()).as("the stash is full: refused, so the API knows").isFalse();
        guild.tell(new GuildProtocol.Unsubscribe(ref(relay), 2, bob));
        guild.tell(new GuildProtocol.UpdatePresence(ref(relay), 1, ada,
                new Presence("idle", "[]", Presence.Platform.desktop)));
        store.release();

        RelayProtocol.Subscribed adas = (RelayProtocol.Subscribed) forSession(1, 1).get(0);
        assertThat(json(adas.guildCreate()).at("/presences/0/status").asText()).isEqualTo("idle");
        TestProbe<GuildProtocol.Info> info = KIT.createTestProbe();
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).as("bob, who left while it loaded, is no ghost").isEqualTo(1);
    }

    @Test
    void aMemberRemovedJustAfterJoiningCannotSubscribeOnTheWayBack() {
        long ada = data.createUser("ada");
        long mallory = data.createUser("mallory");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, 0));
        forSession(1, 1);
        String member = "{\"user\":{\"id\":\"" + mallory + "\"}}";
        // the API added and banned mallory back to back; the store says she is not a member
        guild.tell(publish("GUILD_MEMBER_ADD", member));
        guild.tell(publish("GUILD_BAN_ADD", "{\"guild_id\":\"" + id + "\",\"user\":{\"id\":\"" + mallory + "\"}}"));
        // her subscription, caused by the join, arrives after the ban
        guild.tell(subscribe(2, mallory, 0));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"secret\"}"));

        RelayProtocol.Command answer = forSession(2, 1).get(0);
        assertThat(answer).isInstanceOfSatisfying(RelayProtocol.Unsubscribed.class,
                gone -> assertThat(gone.unavailable()).isFalse());
        assertThat(messagesFor(1, 1)).containsExactly("secret");
        TestProbe<GuildProtocol.Info> info = KIT.createTestProbe();
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).isEqualTo(1);

        // added again for real (in the store too), she may subscribe
        data.addMember(id, mallory);
        guild.tell(publish("GUILD_MEMBER_ADD", member));
        guild.tell(subscribe(3, mallory, 0));
        assertThat(forSession(3, 1).get(0)).isInstanceOf(RelayProtocol.Subscribed.class);
    }

    @Test
    void aPublishRepeatedWithItsIdempotencyKeyIsSentOnce() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, 0));
        forSession(1, 1);
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"once\"}", "retry-me"));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"once\"}", "retry-me"));
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"next\"}", "another"));
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
        assertThat(messagesFor(1, 2)).containsExactly("once", "next");
        relay.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void anEventThatCouldGrowTheCachedGuildPastItsBoundIsRefused() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        Settings settings = new Settings();
        settings.maxGuildDocumentBytes = 4096;
        ActorRef<GuildProtocol.Command> guild = guild(id, settings.services(database.store()));
        guild.tell(subscribe(1, ada, 0));
        forSession(1, 1);
        guild.tell(publish("CHANNEL_CREATE", "{\"id\":\"5\",\"name\":\"" + "x".repeat(5000) + "\"}"));
        GuildProtocol.PublishAck refused = acks.receiveMessage();
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("limits.max-guild-document-bytes");
        guild.tell(publish("CHANNEL_CREATE", "{\"id\":\"6\",\"name\":\"small\"}"));
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
    }

    @Test
    void aGuildCreatePastItsByteBoundIsSentInTheLargeGuildForm() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        Settings settings = new Settings();
        settings.maxGuildCreateBytes = 6000;
        ActorRef<GuildProtocol.Command> guild = guild(id, settings.services(database.store()));
        for (int session = 1; session <= 40; session++) {
            guild.tell(subscribe(session, data.createUser("u" + session), 0));
        }
        guild.tell(subscribe(41, ada, 0));
        RelayProtocol.Subscribed last = (RelayProtocol.Subscribed) forSession(41, 1).get(0);
        JsonNode guildCreate = json(last.guildCreate());
        assertThat(last.guildCreate().length).isLessThanOrEqualTo(6000);
        assertThat(guildCreate.get("members")).hasSize(1);
        assertThat(guildCreate.get("presences")).isEmpty();
    }

    @Test
    void aFanOutToMoreSessionsThanOneDeliveryNamesIsSplit() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        Settings settings = new Settings();
        settings.maxRecipients = 2;
        ActorRef<GuildProtocol.Command> guild = guild(id, settings.services(database.store()));
        for (int session = 1; session <= 5; session++) {
            guild.tell(subscribe(session, ada, 0));
            forSession(session, 1);
        }
        guild.tell(publish("MESSAGE_CREATE", "{\"content\":\"all\"}"));
        List<Long> reached = new ArrayList<>();
        while (reached.size() < 5) {
            RelayProtocol.Deliver deliver = relay.expectMessageClass(RelayProtocol.Deliver.class);
            if (deliver.event().equals("MESSAGE_CREATE")) {
                assertThat(deliver.sessions().length).isLessThanOrEqualTo(2);
                java.util.Arrays.stream(deliver.sessions()).forEach(reached::add);
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aPresenceChangeThatChangesNothingIsNotAnnounced() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, 0));
        guild.tell(subscribe(2, bob, 0));
        forSession(1, 2); // subscribed, bob online
        forSession(2, 1);
        assertThat(unread.getOrDefault(1L, new java.util.ArrayDeque<>())).isEmpty();
        guild.tell(new GuildProtocol.UpdatePresence(ref(relay), 2, bob, ONLINE));
        guild.tell(new GuildProtocol.UpdatePresence(ref(relay), 2, bob,
                new Presence("dnd", "[]", Presence.Platform.desktop)));
        RelayProtocol.Deliver changed = (RelayProtocol.Deliver) forSession(1, 1).get(0);
        assertThat(json(changed.data()).path("status").asText()).as("the first, unchanged, was not sent")
                .isEqualTo("dnd");
    }
}
