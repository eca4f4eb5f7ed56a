package one.derailed.gateway.core.guild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Executors;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.LogLines;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestData;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Guild entity against a real H2 store, with every message going through the CBOR serializer. */
class GuildTest {

    /** Entities send relays numbered messages: each relay probe gets them through an unwrapping stand-in. */
    private final java.util.Map<TestProbe<RelayProtocol.Command>, ActorRef<RelayProtocol.Command>> relayRefs =
            new java.util.HashMap<>();

    private ActorRef<RelayProtocol.Command> ref(TestProbe<RelayProtocol.Command> probe) {
        return relayRefs.computeIfAbsent(probe, p -> one.derailed.gateway.core.relay.RelayProbes.unwrapping(KIT, p));
    }
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static Database database;
    /** What the guild sent to users' entities, with the user it was for. */
    private static final TestProbe<Addressed> USERS = KIT.createTestProbe();

    record Addressed(long userId, one.derailed.gateway.core.user.UserProtocol.Command command)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}
    /** What a guild sent its next incarnation (a handover, or what it passed on). */
    private static final TestProbe<GuildProtocol.Command> SUCCESSOR = KIT.createTestProbe();
    private static final GatewaySettings SETTINGS = GatewaySettings.from(ActorTests.config());
    private static TestData data;
    private static GuildServices services;

    @BeforeAll
    static void open() {
        database = TestDatabases.h2();
        data = TestData.of(database);
        services = services(SETTINGS.guilds().fullGuildCreateMaxMembers());
    }

    private static GuildServices services(int fullGuildCreateMaxMembers) {
        GatewaySettings.Guilds g = SETTINGS.guilds();
        return new GuildServices(database.store(), Executors.newFixedThreadPool(2),
                (userId, command) -> USERS.getRef().tell(new Addressed(userId, command)),
                (guildId, command) -> SUCCESSOR.getRef().tell(command),
                new GatewaySettings.Guilds(Duration.ofMinutes(1), 100, fullGuildCreateMaxMembers, g.loadRetry(),
                        g.renewalWindow(), g.renewalLogMaxEvents(), g.renewalLogMaxBytes(), g.handoverWait(),
                        g.removalMemory(), g.removalMemoryMaxUsers(), g.idempotencyWindow(),
                        g.idempotencyMaxKeys()),
                SETTINGS.limits(), new one.derailed.gateway.core.metrics.GatewayMetrics());
    }

    @AfterAll
    static void close() {
        KIT.shutdownTestKit();
        database.close();
    }

    private static final Presence ONLINE = new Presence("online", "[]", Presence.Platform.desktop);
    private final TestProbe<RelayProtocol.Command> relay = KIT.createTestProbe();
    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();

    private ActorRef<GuildProtocol.Command> guild(long guildId) {
        return KIT.spawn(Guild.create(guildId, shard.getRef(), services));
    }

    private GuildProtocol.Subscribe subscribe(long session, long userId, int intents, Presence presence) {
        byte[] member = ("{\"user\":{\"id\":\"" + userId + "\"}}").getBytes();
        return new GuildProtocol.Subscribe(ref(relay), session, userId, intents, member, "2026-01-01T00:00:00Z",
                presence, 50, 0);
    }

    private JsonNode json(byte[] bytes) throws Exception {
        return Json.MAPPER.readTree(bytes);
    }

    @Test
    void answersASubscriptionWithItsGuildCreateBeforeAnyLaterEvent() throws Exception {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        data.addMember(id, ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<GuildProtocol.PublishAck> acks = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        guild.tell(new GuildProtocol.Publish("MESSAGE_CREATE", "{\"n\":1}".getBytes(), null, acks.getRef()));

        RelayProtocol.Subscribed subscribed = relay.expectMessageClass(RelayProtocol.Subscribed.class);
        JsonNode guildCreate = json(subscribed.guildCreate());
        assertThat(guildCreate.get("name").asText()).isEqualTo("HQ");
        assertThat(guildCreate.get("members").size()).isEqualTo(1);
        assertThat(guildCreate.get("presences").get(0).get("status").asText()).isEqualTo("online");
        RelayProtocol.Deliver deliver = relay.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(deliver.sessions()).containsExactly(1L);
        assertThat(new String(deliver.data())).isEqualTo("{\"n\":1}");
        acks.expectMessage(GuildProtocol.PublishAck.ACCEPTED);
    }

    @Test
    void sendsEachEventOncePerNodeToTheSessionsWhoseIntentsAllowIt() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<RelayProtocol.Command> otherNode = KIT.createTestProbe();
        TestProbe<GuildProtocol.PublishAck> acks = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        guild.tell(subscribe(2, ada, Intents.GUILDS, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        guild.tell(new GuildProtocol.Subscribe(ref(otherNode), 7, bob, Intents.ALL, "{}".getBytes(), null, ONLINE, 50, 0));
        otherNode.expectMessageClass(RelayProtocol.Subscribed.class);
        relay.expectMessageClass(RelayProtocol.Deliver.class); // bob's PRESENCE_UPDATE reaches ada's session 1 only

        guild.tell(new GuildProtocol.Publish("MESSAGE_CREATE", "{}".getBytes(), null, acks.getRef()));
        assertThat(relay.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactly(1L);
        assertThat(otherNode.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactly(7L);
        guild.tell(new GuildProtocol.Publish("CHANNEL_CREATE", "{}".getBytes(), null, acks.getRef()));
        assertThat(relay.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        otherNode.expectMessageClass(RelayProtocol.Deliver.class);
    }

    @Test
    void aUsersLastSessionLeavingSendsOfflineAndRemovesTheMember() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<GuildProtocol.Info> info = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        RelayProtocol.Deliver online = relay.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(online.event()).isEqualTo("PRESENCE_UPDATE");
        assertThat(json(online.data()).get("status").asText()).isEqualTo("online");
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        info.expectMessage(new GuildProtocol.Info(2, true));

        guild.tell(new GuildProtocol.Unsubscribe(ref(relay), 2, bob));
        RelayProtocol.Deliver offline = relay.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(offline.sessions()).containsExactly(1L);
        assertThat(json(offline.data()).get("status").asText()).isEqualTo("offline");
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        info.expectMessage(new GuildProtocol.Info(1, true));
    }

    @Test
    void invisibleUsersAreNotAnnouncedAndLookOfflineToOthers() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, new Presence("invisible", "[]", Presence.Platform.web)));
        JsonNode bobsView = json(relay.expectMessageClass(RelayProtocol.Subscribed.class).guildCreate());
        assertThat(bobsView.get("presences").findValuesAsText("status")).contains("invisible");
        relay.expectNoMessage(Duration.ofMillis(200));
        guild.tell(subscribe(3, ada, Intents.ALL, ONLINE));
        JsonNode adasView = json(relay.expectMessageClass(RelayProtocol.Subscribed.class).guildCreate());
        assertThat(adasView.get("presences").findValuesAsText("status")).containsExactly("online");
    }

    @Test
    void aGuildMissingFromTheStoreTellsTheSessionItIsGone() {
        ActorRef<GuildProtocol.Command> guild = guild(987654321L);
        guild.tell(subscribe(1, 5, Intents.ALL, ONLINE));
        RelayProtocol.Unsubscribed gone = relay.expectMessageClass(RelayProtocol.Unsubscribed.class);
        assertThat(gone.sessions()).containsExactly(1L);
        assertThat(gone.unavailable()).isFalse();
    }

    @Test
    void aMovedSessionKeepsItsPlaceAndTheOldNodeGetsADrainMarkerAfterItsEvents() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<RelayProtocol.Command> newNode = KIT.createTestProbe();
        TestProbe<GuildProtocol.PublishAck> acks = KIT.createTestProbe();
        TestProbe<GuildProtocol.Info> info = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        long incarnation = relay.expectMessageClass(RelayProtocol.Subscribed.class).incarnation();
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        relay.expectMessageClass(RelayProtocol.Deliver.class); // bob's PRESENCE_UPDATE to ada

        guild.tell(new GuildProtocol.Publish("MESSAGE_CREATE", "{\"n\":1}".getBytes(), null, acks.getRef()));
        guild.tell(new GuildProtocol.Move(ref(relay), 1, ref(newNode), 9, ada, Intents.ALL, incarnation));
        guild.tell(new GuildProtocol.Publish("MESSAGE_CREATE", "{\"n\":2}".getBytes(), null, acks.getRef()));

        assertThat(relay.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(relay.expectMessageClass(RelayProtocol.Drained.class)).isEqualTo(new RelayProtocol.Drained(1, id));
        assertThat(relay.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactly(2L);
        RelayProtocol.Subscribed renewed = newNode.expectMessageClass(RelayProtocol.Subscribed.class);
        assertThat(renewed.session()).isEqualTo(9);
        assertThat(renewed.guildCreate()).as("the client has the guild already").isNull();
        RelayProtocol.Deliver moved = newNode.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(moved.sessions()).containsExactly(9L);
        assertThat(new String(moved.data())).isEqualTo("{\"n\":2}");
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).isEqualTo(2);
        relay.expectNoMessage(Duration.ofMillis(100)); // nobody saw ada go offline or come back
    }

    @Test
    void aMoveTheGuildCannotPlaceTellsTheNewSessionToSubscribeAndStillDrainsTheOldNode() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<RelayProtocol.Command> newNode = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);

        guild.tell(new GuildProtocol.Move(ref(relay), 5, ref(newNode), 9, ada, Intents.ALL, 77));
        assertThat(relay.expectMessageClass(RelayProtocol.Drained.class)).isEqualTo(new RelayProtocol.Drained(5, id));
        RelayProtocol.Resubscribe renew = newNode.expectMessageClass(RelayProtocol.Resubscribe.class);
        assertThat(renew.sessions()).containsExactly(9L);
        assertThat(renew.guildId()).isEqualTo(id);
    }

    /**
     * A renewal waiting in a guild whose first load failed is told the guild is down (its client sees it
     * unavailable); once the guild loads, that client must get it whole, even when the renewal then waits for a
     * handover first. It got a quiet renewal instead (GuildMoveIT's leave with a failing store: a client left with
     * GUILD_DELETE unavailable and no GUILD_CREATE while events kept coming).
     */
    @Test
    void aRenewalToldTheGuildWasDownGetsItWholeOnceItLoads() throws Exception {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        data.addMember(id, ada);
        ActorRef<GuildProtocol.Command> guild;
        try (AutoCloseable down = storeRefusingLoads()) {
            guild = guild(id);
            guild.tell(new GuildProtocol.Subscribe(ref(relay), 1, ada, Intents.ALL, "{}".getBytes(), null, ONLINE,
                    50, 12345));
            assertThat(relay.expectMessageClass(RelayProtocol.GuildDown.class).retry()).isFalse();
        }
        RelayProtocol.Subscribed subscribed = relay.expectMessageClass(RelayProtocol.Subscribed.class,
                Duration.ofSeconds(10));
        assertThat(subscribed.guildCreate()).as("its client heard the guild was unavailable: it gets it whole")
                .isNotNull();
        assertThat(subscribed.resync()).isFalse();
    }

    /**
     * A moved session's Move waiting in a guild whose load fails is not told the guild is down: the session holds
     * what comes to it directly until the guild drains its old node, which happens only once the guild has loaded and
     * taken the Move, so a "down" would reach it after the guild is up again, stale, and undo what came since.
     */
    @Test
    void aMoveWaitingInAGuildThatCannotLoadIsNotToldItIsDown() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        TestProbe<RelayProtocol.Command> newNode = KIT.createTestProbe();
        ActorRef<GuildProtocol.Command> guild;
        try (AutoCloseable down = storeRefusingLoads()) {
            guild = guild(id);
            guild.tell(subscribe(1, bob, Intents.ALL, ONLINE));
            guild.tell(new GuildProtocol.Move(ref(relay), 5, ref(newNode), 9, ada, Intents.ALL, 77));
            relay.expectMessageClass(RelayProtocol.GuildDown.class); // the load failed: bob's session hears it
        }
        assertThat(relay.expectMessageClass(RelayProtocol.Subscribed.class, Duration.ofSeconds(10)).guildCreate())
                .isNotNull();
        assertThat(relay.expectMessageClass(RelayProtocol.Drained.class)).isEqualTo(new RelayProtocol.Drained(5, id));
        assertThat(newNode.receiveMessage()).isInstanceOfSatisfying(RelayProtocol.Resubscribe.class,
                renew -> assertThat(renew.sessions()).containsExactly(9L));
    }

    /**
     * A session whose subscription went unanswered for long sends it again (the first may have gone to a node that
     * crashed); when both arrive, the guild takes it once: the second is only confirmed, with no GUILD_CREATE, and
     * nobody hears the user come online twice.
     */
    @Test
    void aSubscriptionSentTwiceIsTakenOnce() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<RelayProtocol.Command> otherNode = KIT.createTestProbe();
        guild.tell(new GuildProtocol.Subscribe(ref(otherNode), 7, bob, Intents.ALL, "{}".getBytes(), null, ONLINE,
                50, 0));
        otherNode.expectMessageClass(RelayProtocol.Subscribed.class);

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        RelayProtocol.Subscribed first = relay.expectMessageClass(RelayProtocol.Subscribed.class);
        assertThat(first.guildCreate()).isNotNull();
        RelayProtocol.Subscribed again = relay.expectMessageClass(RelayProtocol.Subscribed.class);
        assertThat(again.guildCreate()).as("a fresh subscription sent again may come from a client told the guild "
                + "was unavailable: it gets the guild whole; its session drops it if its client has it").isNotNull();
        assertThat(again.resync()).isFalse();
        assertThat(again.incarnation()).isEqualTo(first.incarnation());
        assertThat(otherNode.expectMessageClass(RelayProtocol.Deliver.class).event()).isEqualTo("PRESENCE_UPDATE");
        otherNode.expectNoMessage(Duration.ofMillis(200));
        relay.expectNoMessage(Duration.ofMillis(100));
    }

    /** Makes every guild load fail (its channels cannot be read) until the returned handle is closed. */
    private static AutoCloseable storeRefusingLoads() throws java.sql.SQLException {
        execute("ALTER TABLE channels RENAME TO channels_away");
        return () -> execute("ALTER TABLE channels_away RENAME TO channels");
    }

    private static void execute(String sql) throws java.sql.SQLException {
        try (var connection = database.dataSource().getConnection();
             var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void aLostNodesSessionsAreDroppedAndItsUsersAnnouncedOffline() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        TestProbe<RelayProtocol.Command> doomed = KIT.createTestProbe();
        TestProbe<GuildProtocol.Info> info = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        guild.tell(new GuildProtocol.Subscribe(ref(doomed), 7, bob, Intents.ALL, "{}".getBytes(), null, ONLINE, 50, 0));
        doomed.expectMessageClass(RelayProtocol.Subscribed.class);
        relay.expectMessageClass(RelayProtocol.Deliver.class); // bob online

        try (LogLines log = LogLines.capture()) {
            KIT.stop(ref(doomed));
            RelayProtocol.Deliver offline = relay.expectMessageClass(RelayProtocol.Deliver.class);
            assertThat(offline.event()).isEqualTo("PRESENCE_UPDATE");
            assertThat(json(offline.data()).get("user").get("id").asText()).isEqualTo(Long.toString(bob));
            assertThat(json(offline.data()).get("status").asText()).isEqualTo("offline");
            assertThat(log.lines()).contains(GuildLive.class.getName() + " INFO guild " + id
                    + ": a node left with sessions here; 1 users went offline");
        }
        guild.tell(new GuildProtocol.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).isEqualTo(1);
    }

    @Test
    void aRenewalSendsNoGuildCreateAndOthersHearTheUserOnline() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<GuildProtocol.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);

        byte[] member = ("{\"user\":{\"id\":\"" + bob + "\"}}").getBytes();
        guild.tell(new GuildProtocol.Subscribe(ref(relay), 2, bob, Intents.ALL, member, null, ONLINE, 50, 12345));
        RelayProtocol.Subscribed quiet = relay.expectMessageClass(RelayProtocol.Subscribed.class);
        assertThat(quiet.guildCreate()).isNull();
        assertThat(quiet.resync()).isFalse();
        // bob gets what this incarnation sent since it started: ada coming online
        RelayProtocol.Deliver missed = relay.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(missed.sessions()).containsExactly(2L);
        assertThat(json(missed.data()).at("/user/id").asText()).isEqualTo(Long.toString(ada));
        // ada subscribed to this incarnation afresh, so her GUILD_CREATE did not list bob: she hears him now
        RelayProtocol.Deliver presence = relay.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(presence.sessions()).containsExactly(1L);
        assertThat(json(presence.data()).get("status").asText()).isEqualTo("online");
    }

    @Test
    void aGuildOverTheFullGuildCreateLimitSendsOnlyTheReceiver() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("Huge", ada);
        data.addMember(id, ada);
        data.addMember(id, bob);
        ActorRef<GuildProtocol.Command> guild = KIT.spawn(Guild.create(id, shard.getRef(), services(1)));
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(RelayProtocol.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));

        JsonNode forBob = json(relay.expectMessageClass(RelayProtocol.Subscribed.class).guildCreate());
        assertThat(forBob.get("member_count").asLong()).isEqualTo(2);
        assertThat(forBob.get("members")).hasSize(1);
        assertThat(forBob.at("/members/0/user/id").asText()).isEqualTo(Long.toString(bob));
        assertThat(forBob.get("presences")).isEmpty();
    }
}
