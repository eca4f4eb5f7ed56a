package one.derailed.gateway.core.guild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Executors;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
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
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static Database database;
    /** What the guild sent to users' entities, with the user it was for. */
    private static final TestProbe<Addressed> USERS = KIT.createTestProbe();

    record Addressed(long userId, one.derailed.gateway.core.user.User.Command command)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}
    private static TestData data;
    private static Guild.Services services;

    @BeforeAll
    static void open() {
        database = TestDatabases.h2();
        data = TestData.of(database);
        services = new Guild.Services(database.store(), Executors.newFixedThreadPool(2),
                (userId, command) -> USERS.getRef().tell(new Addressed(userId, command)), Duration.ofMinutes(1), 100,
                75_000, new one.derailed.gateway.core.metrics.GatewayMetrics());
    }

    @AfterAll
    static void close() {
        KIT.shutdownTestKit();
        database.close();
    }

    private static final Presence ONLINE = new Presence("online", "[]", Presence.Platform.desktop);
    private final TestProbe<Relay.Command> relay = KIT.createTestProbe();
    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();

    private ActorRef<Guild.Command> guild(long guildId) {
        return KIT.spawn(Guild.create(guildId, shard.getRef(), services));
    }

    private Guild.Subscribe subscribe(long session, long userId, int intents, Presence presence) {
        byte[] member = ("{\"user\":{\"id\":\"" + userId + "\"}}").getBytes();
        return new Guild.Subscribe(relay.getRef(), session, userId, intents, member, "2026-01-01T00:00:00Z",
                presence, 50);
    }

    private JsonNode json(byte[] bytes) throws Exception {
        return Json.MAPPER.readTree(bytes);
    }

    @Test
    void answersASubscriptionWithItsGuildCreateBeforeAnyLaterEvent() throws Exception {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        data.addMember(id, ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Guild.PublishAck> acks = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        guild.tell(new Guild.Publish("MESSAGE_CREATE", "{\"n\":1}".getBytes(), acks.getRef()));

        Relay.Subscribed subscribed = relay.expectMessageClass(Relay.Subscribed.class);
        JsonNode guildCreate = json(subscribed.guildCreate());
        assertThat(guildCreate.get("name").asText()).isEqualTo("HQ");
        assertThat(guildCreate.get("members").size()).isEqualTo(1);
        assertThat(guildCreate.get("presences").get(0).get("status").asText()).isEqualTo("online");
        Relay.Deliver deliver = relay.expectMessageClass(Relay.Deliver.class);
        assertThat(deliver.sessions()).containsExactly(1L);
        assertThat(new String(deliver.data())).isEqualTo("{\"n\":1}");
        acks.expectMessage(Guild.PublishAck.ACCEPTED);
    }

    @Test
    void sendsEachEventOncePerNodeToTheSessionsWhoseIntentsAllowIt() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Relay.Command> otherNode = KIT.createTestProbe();
        TestProbe<Guild.PublishAck> acks = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        guild.tell(subscribe(2, ada, Intents.GUILDS, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(new Guild.Subscribe(otherNode.getRef(), 7, bob, Intents.ALL, "{}".getBytes(), null, ONLINE, 50));
        otherNode.expectMessageClass(Relay.Subscribed.class);
        relay.expectMessageClass(Relay.Deliver.class); // bob's PRESENCE_UPDATE reaches ada's session 1 only

        guild.tell(new Guild.Publish("MESSAGE_CREATE", "{}".getBytes(), acks.getRef()));
        assertThat(relay.expectMessageClass(Relay.Deliver.class).sessions()).containsExactly(1L);
        assertThat(otherNode.expectMessageClass(Relay.Deliver.class).sessions()).containsExactly(7L);
        guild.tell(new Guild.Publish("CHANNEL_CREATE", "{}".getBytes(), acks.getRef()));
        assertThat(relay.expectMessageClass(Relay.Deliver.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        otherNode.expectMessageClass(Relay.Deliver.class);
    }

    @Test
    void aUsersLastSessionLeavingSendsOfflineAndRemovesTheMember() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Guild.Info> info = KIT.createTestProbe();

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        Relay.Deliver online = relay.expectMessageClass(Relay.Deliver.class);
        assertThat(online.event()).isEqualTo("PRESENCE_UPDATE");
        assertThat(json(online.data()).get("status").asText()).isEqualTo("online");
        guild.tell(new Guild.GetInfo(info.getRef()));
        info.expectMessage(new Guild.Info(2, true));

        guild.tell(new Guild.Unsubscribe(relay.getRef(), 2, bob));
        Relay.Deliver offline = relay.expectMessageClass(Relay.Deliver.class);
        assertThat(offline.sessions()).containsExactly(1L);
        assertThat(json(offline.data()).get("status").asText()).isEqualTo("offline");
        guild.tell(new Guild.GetInfo(info.getRef()));
        info.expectMessage(new Guild.Info(1, true));
    }

    @Test
    void invisibleUsersAreNotAnnouncedAndLookOfflineToOthers() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);

        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, new Presence("invisible", "[]", Presence.Platform.web)));
        JsonNode bobsView = json(relay.expectMessageClass(Relay.Subscribed.class).guildCreate());
        assertThat(bobsView.get("presences").findValuesAsText("status")).contains("invisible");
        relay.expectNoMessage(Duration.ofMillis(200));
        guild.tell(subscribe(3, ada, Intents.ALL, ONLINE));
        JsonNode adasView = json(relay.expectMessageClass(Relay.Subscribed.class).guildCreate());
        assertThat(adasView.get("presences").findValuesAsText("status")).containsExactly("online");
    }

    @Test
    void aGuildMissingFromTheStoreTellsTheSessionItIsGone() {
        ActorRef<Guild.Command> guild = guild(987654321L);
        guild.tell(subscribe(1, 5, Intents.ALL, ONLINE));
        Relay.Unsubscribed gone = relay.expectMessageClass(Relay.Unsubscribed.class);
        assertThat(gone.sessions()).containsExactly(1L);
        assertThat(gone.unavailable()).isFalse();
    }

    @Test
    void aMovedSessionKeepsItsPlaceAndTheOldNodeGetsADrainMarkerAfterItsEvents() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Relay.Command> newNode = KIT.createTestProbe();
        TestProbe<Guild.PublishAck> acks = KIT.createTestProbe();
        TestProbe<Guild.Info> info = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        relay.expectMessageClass(Relay.Deliver.class); // bob's PRESENCE_UPDATE to ada

        guild.tell(new Guild.Publish("MESSAGE_CREATE", "{\"n\":1}".getBytes(), acks.getRef()));
        guild.tell(new Guild.Move(relay.getRef(), 1, newNode.getRef(), 9, ada, Intents.ALL));
        guild.tell(new Guild.Publish("MESSAGE_CREATE", "{\"n\":2}".getBytes(), acks.getRef()));

        assertThat(relay.expectMessageClass(Relay.Deliver.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(relay.expectMessageClass(Relay.Drained.class)).isEqualTo(new Relay.Drained(1, id));
        assertThat(relay.expectMessageClass(Relay.Deliver.class).sessions()).containsExactly(2L);
        Relay.Subscribed renewed = newNode.expectMessageClass(Relay.Subscribed.class);
        assertThat(renewed.session()).isEqualTo(9);
        assertThat(renewed.guildCreate()).as("the client has the guild already").isNull();
        Relay.Deliver moved = newNode.expectMessageClass(Relay.Deliver.class);
        assertThat(moved.sessions()).containsExactly(9L);
        assertThat(new String(moved.data())).isEqualTo("{\"n\":2}");
        guild.tell(new Guild.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).isEqualTo(2);
        relay.expectNoMessage(Duration.ofMillis(100)); // nobody saw ada go offline or come back
    }

    @Test
    void aMoveTheGuildCannotPlaceTellsTheNewSessionToSubscribeAndStillDrainsTheOldNode() {
        long ada = data.createUser("ada");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Relay.Command> newNode = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);

        guild.tell(new Guild.Move(relay.getRef(), 5, newNode.getRef(), 9, ada, Intents.ALL));
        assertThat(relay.expectMessageClass(Relay.Drained.class)).isEqualTo(new Relay.Drained(5, id));
        Relay.Resubscribe renew = newNode.expectMessageClass(Relay.Resubscribe.class);
        assertThat(renew.sessions()).containsExactly(9L);
        assertThat(renew.guildId()).isEqualTo(id);
    }

    @Test
    void aLostNodesSessionsAreDroppedAndItsUsersAnnouncedOffline() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        TestProbe<Relay.Command> doomed = KIT.createTestProbe();
        TestProbe<Guild.Info> info = KIT.createTestProbe();
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(new Guild.Subscribe(doomed.getRef(), 7, bob, Intents.ALL, "{}".getBytes(), null, ONLINE, 50));
        doomed.expectMessageClass(Relay.Subscribed.class);
        relay.expectMessageClass(Relay.Deliver.class); // bob online

        doomed.stop();
        Relay.Deliver offline = relay.expectMessageClass(Relay.Deliver.class);
        assertThat(offline.event()).isEqualTo("PRESENCE_UPDATE");
        assertThat(json(offline.data()).get("user").get("id").asText()).isEqualTo(Long.toString(bob));
        assertThat(json(offline.data()).get("status").asText()).isEqualTo("offline");
        guild.tell(new Guild.GetInfo(info.getRef()));
        assertThat(info.receiveMessage().presences()).isEqualTo(1);
    }

    @Test
    void aQuietSubscriptionSendsNoGuildCreateAndNoPresence() {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("HQ", ada);
        ActorRef<Guild.Command> guild = guild(id);
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);

        byte[] member = ("{\"user\":{\"id\":\"" + bob + "\"}}").getBytes();
        guild.tell(new Guild.Subscribe(relay.getRef(), 2, bob, Intents.ALL, member, null, ONLINE, 50, true));
        Relay.Subscribed quiet = relay.expectMessageClass(Relay.Subscribed.class);
        assertThat(quiet.guildCreate()).isNull();
        relay.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aGuildOverTheFullGuildCreateLimitSendsOnlyTheReceiver() throws Exception {
        long ada = data.createUser("ada");
        long bob = data.createUser("bob");
        long id = data.createGuild("Huge", ada);
        data.addMember(id, ada);
        data.addMember(id, bob);
        Guild.Services smallLimit = new Guild.Services(services.store(), services.storeExecutor(), services.users(),
                services.idleTimeout(), services.stashCapacity(), 1, services.metrics());
        ActorRef<Guild.Command> guild = KIT.spawn(Guild.create(id, shard.getRef(), smallLimit));
        guild.tell(subscribe(1, ada, Intents.ALL, ONLINE));
        relay.expectMessageClass(Relay.Subscribed.class);
        guild.tell(subscribe(2, bob, Intents.ALL, ONLINE));

        JsonNode forBob = json(relay.expectMessageClass(Relay.Subscribed.class).guildCreate());
        assertThat(forBob.get("member_count").asLong()).isEqualTo(2);
        assertThat(forBob.get("members")).hasSize(1);
        assertThat(forBob.at("/members/0/user/id").asText()).isEqualTo(Long.toString(bob));
        assertThat(forBob.get("presences")).isEmpty();
    }
}
