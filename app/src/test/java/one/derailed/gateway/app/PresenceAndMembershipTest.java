package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Presence, live membership, member requests and intents, end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceAndMembershipTest {
    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.sessions.privileged-intents-for-bots", List.of("GUILD_MEMBERS")));
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    private long guildWith(long... members) {
        long guild = gw.data.createGuild("g", members[0]);
        for (long member : members) {
            gw.data.addMember(guild, member);
        }
        return guild;
    }

    private GatewayClient online(long userId, Integer intents, String presenceJson) {
        GatewayClient client = GatewayClient.connect(gw.port());
        client.expectOp(10);
        client.send("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(userId) + "\",\"properties\":{\"os\":\"linux\","
                + "\"browser\":\"test\",\"device\":\"test\"}" + (intents == null ? "" : ",\"intents\":" + intents)
                + (presenceJson == null ? "" : ",\"presence\":" + presenceJson) + "}}");
        client.expectDispatch("READY");
        client.awaitDispatch("GUILD_CREATE");
        return client;
    }

    /** Publishes a marker to the user: the next dispatch of {@code client} must be it, proving nothing came before. */
    private void expectNothingBeforeMarker(GatewayClient client, long userId) {
        gw.ingress.publishToUser(userId, "MARKER", "{}");
        client.expectDispatch("MARKER");
    }

    @Test
    void aUserSeesAnotherComeOnlineAndGoOfflineOnANormalClose() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null)) {
            GatewayClient b = online(bob, null, null);
            JsonNode up = a.expectDispatch("PRESENCE_UPDATE").get("d");
            assertThat(up.at("/user/id").asText()).isEqualTo(Long.toString(bob));
            assertThat(up.get("status").asText()).isEqualTo("online");
            assertThat(up.at("/client_status/desktop").asText()).isEqualTo("online");
            b.closeWith(1000);
            JsonNode down = a.expectDispatch("PRESENCE_UPDATE").get("d");
            assertThat(down.get("status").asText()).isEqualTo("offline");
            assertThat(gw.ingress.guildInfo(gw.data.queryLong(
                    "SELECT guild_id FROM members WHERE user_id = ?", ada)).presences()).isEqualTo(1);
        }
    }

    @Test
    void anInvisibleUserLooksOfflineToOthers() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(ada, bob);
        gw.data.setStatus(bob, "invisible");
        try (GatewayClient a = online(ada, null, null); GatewayClient b = online(bob, null, null)) {
            expectNothingBeforeMarker(a, ada);
            try (GatewayClient late = GatewayClient.identified(gw.port(), gw.data.tokenFor(ada))) {
                late.expectDispatch("READY");
                JsonNode guildCreate = late.expectDispatch("GUILD_CREATE").get("d");
                assertThat(guildCreate.get("presences").findValuesAsText("id")).containsExactly(Long.toString(ada));
                assertThat(guildCreate.get("members").findValuesAsText("id")).contains(Long.toString(bob));
            }
        }
        try (GatewayClient b = GatewayClient.identified(gw.port(), gw.data.tokenFor(bob))) {
            b.expectDispatch("READY");
            JsonNode guildCreate = b.expectDispatch("GUILD_CREATE").get("d");
            assertThat(guildCreate.get("presences").findValuesAsText("status")).containsExactly("invisible");
        }
    }

    @Test
    void presenceUpdatesReachOthersAndAUserGoesOfflineOnlyAfterTheLastSession() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null)) {
            GatewayClient phone = online(bob, null, null);
            a.expectDispatch("PRESENCE_UPDATE");
            GatewayClient desktop = online(bob, null, null);
            phone.send("{\"op\":3,\"d\":{\"since\":null,\"activities\":[{\"name\":\"chess\",\"type\":0}],"
                    + "\"status\":\"dnd\",\"afk\":false}}");
            JsonNode dnd = a.expectDispatch("PRESENCE_UPDATE").get("d");
            assertThat(dnd.get("status").asText()).isEqualTo("dnd");
            assertThat(dnd.at("/activities/0/name").asText()).isEqualTo("chess");
            assertThat(desktop.awaitDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("dnd");

            phone.closeWith(1000);
            expectNothingBeforeMarker(a, ada);
            desktop.closeWith(1000);
            assertThat(a.expectDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("offline");
        }
    }

    @Test
    void aMemberAddedLiveGetsGuildCreateThenTheGuildsEvents() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long home = guildWith(bob);
        long guild = guildWith(ada);
        try (GatewayClient b = online(bob, null, null)) {
            gw.data.addMember(guild, bob);
            gw.ingress.publishToGuild(guild, "GUILD_MEMBER_ADD", "{\"guild_id\":\"" + guild + "\",\"user\":{\"id\":\""
                    + bob + "\",\"username\":\"bob\"},\"roles\":[],\"joined_at\":\"2026-11-28T00:00:00Z\"}");
            JsonNode created = b.awaitDispatch("GUILD_CREATE").get("d");
            assertThat(created.get("id").asText()).isEqualTo(Long.toString(guild));
            assertThat(created.get("members").findValuesAsText("id")).contains(Long.toString(bob));
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"welcome\"}");
            assertThat(b.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("welcome");
            assertThat(home).isNotZero();
        }
    }

    @Test
    void aGuildCreateSentToTheUserAsTheDerailedApiDoesSubscribesItsSessions() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(bob);
        long guild = guildWith(ada);
        try (GatewayClient b = online(bob, null, null)) {
            gw.data.addMember(guild, bob);
            gw.ingress.publishToUser(bob, "GUILD_CREATE", "{\"id\":\"" + guild + "\",\"name\":\"g\"}");
            JsonNode created = b.awaitDispatch("GUILD_CREATE").get("d");
            assertThat(created.get("id").asText()).isEqualTo(Long.toString(guild));
            assertThat(created.get("unavailable").booleanValue()).isFalse();
        }
    }

    @Test
    void aRemovedMemberGetsGuildDeleteAndNothingMoreWhileOthersSeeThemLeave() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long guild = guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null); GatewayClient b = online(bob, null, null)) {
            a.expectDispatch("PRESENCE_UPDATE");
            gw.data.removeMember(guild, bob);
            gw.ingress.publishToGuild(guild, "GUILD_MEMBER_REMOVE",
                    "{\"guild_id\":\"" + guild + "\",\"user\":{\"id\":\"" + bob + "\"}}");
            assertThat(b.expectDispatch("GUILD_DELETE").at("/d/id").asText()).isEqualTo(Long.toString(guild));
            assertThat(a.expectDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("offline");
            assertThat(a.expectDispatch("GUILD_MEMBER_REMOVE").at("/d/user/id").asText())
                    .isEqualTo(Long.toString(bob));
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"after\"}");
            a.expectDispatch("MESSAGE_CREATE");
            expectNothingBeforeMarker(b, bob);
        }
    }

    /**
     * The API adds a member and bans them back to back: the join travels through the user's entity and the relay to
     * the session, which then subscribes, while the ban reaches the guild in one hop. Whichever comes first, the
     * banned user ends without the guild and gets none of its messages: a GUILD_CREATE that came first is followed by
     * a GUILD_DELETE, and a subscription that comes after the ban is checked against the store and refused (the
     * core's GuildIncarnationTest makes that order certain; before, such a subscription was taken).
     */
    @Test
    void aMemberBannedRightAfterJoiningEndsWithoutTheGuild() {
        long ada = gw.data.createUser("ada");
        long mallory = gw.data.createUser("mallory");
        guildWith(mallory);
        long guild = guildWith(ada);
        try (GatewayClient a = online(ada, null, null); GatewayClient m = online(mallory, null, null)) {
            for (int round = 0; round < 5; round++) {
                String member = "{\"guild_id\":\"" + guild + "\",\"user\":{\"id\":\"" + mallory
                        + "\"},\"roles\":[],\"joined_at\":\"2026-11-28T00:00:00Z\"}";
                // in the store the API's add and ban left her out: the ban is the truth
                gw.ingress.publishToGuild(guild, "GUILD_MEMBER_ADD", member);
                gw.ingress.publishToGuild(guild, "GUILD_BAN_ADD",
                        "{\"guild_id\":\"" + guild + "\",\"user\":{\"id\":\"" + mallory + "\"}}");
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"members only " + round + "\"}");
                assertThat(a.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText())
                        .isEqualTo("members only " + round);
                gw.ingress.publishToUser(mallory, "MARKER", "{}");
                boolean hasGuild = false;
                for (JsonNode frame = m.next(); !"MARKER".equals(frame.path("t").asText()); frame = m.next()) {
                    String event = frame.path("t").asText();
                    assertThat(event).as("she gets no message of the guild").isNotEqualTo("MESSAGE_CREATE");
                    if (event.equals("GUILD_CREATE")) {
                        hasGuild = true;
                    } else if (event.equals("GUILD_DELETE")) {
                        hasGuild = false;
                    }
                }
                assertThat(hasGuild).as("she ends without the guild").isFalse();
            }
        }
    }

    /** An op 3 that leaves the user's presence as it was reaches nobody. */
    @Test
    void aPresenceUpdateThatChangesNothingIsNotSent() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null); GatewayClient b = online(bob, null, null)) {
            a.expectDispatch("PRESENCE_UPDATE");
            String same = "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"online\",\"afk\":false}}";
            b.send(same);
            b.send(same);
            expectNothingBeforeMarker(a, ada);
            b.send("{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"idle\",\"afk\":false}}");
            assertThat(a.expectDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("idle");
        }
    }

    @Test
    void guildDeleteReachesEverySubscriber() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long guild = guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null); GatewayClient b = online(bob, null, null)) {
            gw.ingress.publishToGuild(guild, "GUILD_DELETE", "{\"id\":\"" + guild + "\"}");
            assertThat(a.awaitDispatch("GUILD_DELETE").at("/d/id").asText()).isEqualTo(Long.toString(guild));
            assertThat(b.awaitDispatch("GUILD_DELETE").at("/d/id").asText()).isEqualTo(Long.toString(guild));
        }
    }

    @Test
    void aPublishedChannelAppearsInTheNextGuildCreate() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long guild = guildWith(ada, bob);
        try (GatewayClient a = online(ada, null, null)) {
            gw.ingress.publishToGuild(guild, "CHANNEL_CREATE", "{\"id\":\"777\",\"type\":0,\"guild_id\":\"" + guild
                    + "\",\"name\":\"fresh\",\"position\":9}");
            a.expectDispatch("CHANNEL_CREATE");
            gw.ingress.publishToGuild(guild, "GUILD_UPDATE", "{\"id\":\"" + guild + "\",\"name\":\"renamed\"}");
            a.expectDispatch("GUILD_UPDATE");
            try (GatewayClient b = GatewayClient.identified(gw.port(), gw.data.tokenFor(bob))) {
                b.expectDispatch("READY");
                JsonNode created = b.expectDispatch("GUILD_CREATE").get("d");
                assertThat(created.get("channels").findValuesAsText("name")).contains("general", "fresh");
                assertThat(created.get("name").asText()).isEqualTo("renamed");
            }
        }
    }

    @Test
    void memberRequestsByQueryAndByIdsAnswerInChunksWithTheNonce() {
        long ada = gw.data.createUser("ada");
        long alfred = gw.data.createUser("alfred");
        long bob = gw.data.createUser("bob");
        long guild = guildWith(ada, alfred, bob);
        gw.data.removeMember(guild, bob);
        gw.data.addMember(guild, bob, "almost");
        List<Long> crowd = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            long user = gw.data.createUser("zz" + i);
            gw.data.addMember(guild, user);
            crowd.add(user);
        }
        try (GatewayClient a = online(ada, null, null)) {
            a.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"query\":\"al\",\"limit\":10,\"nonce\":\"q1\"}}");
            JsonNode byQuery = a.expectDispatch("GUILD_MEMBERS_CHUNK").get("d");
            assertThat(byQuery.get("nonce").asText()).isEqualTo("q1");
            assertThat(byQuery.get("members").findValuesAsText("username")).containsExactlyInAnyOrder("alfred", "bob");

            a.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"user_ids\":[\"" + ada + "\",\"42\"],"
                    + "\"presences\":true,\"nonce\":\"q2\"}}");
            JsonNode byIds = a.expectDispatch("GUILD_MEMBERS_CHUNK").get("d");
            assertThat(byIds.get("members").findValuesAsText("username")).containsExactly("ada");
            assertThat(byIds.get("not_found").get(0).asText()).isEqualTo("42");
            assertThat(byIds.get("presences").findValuesAsText("status")).containsExactly("online");

            a.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"query\":\"\",\"limit\":0,\"nonce\":\"all\"}}");
            JsonNode first = a.expectDispatch("GUILD_MEMBERS_CHUNK").get("d");
            JsonNode second = a.expectDispatch("GUILD_MEMBERS_CHUNK").get("d");
            assertThat(first.get("chunk_count").intValue()).isEqualTo(2);
            assertThat(first.get("chunk_index").intValue()).isZero();
            assertThat(second.get("chunk_index").intValue()).isEqualTo(1);
            assertThat(first.get("members").size()).isEqualTo(1000);
            assertThat(first.get("members").size() + second.get("members").size()).isEqualTo(1_103);
            assertThat(second.get("nonce").asText()).isEqualTo("all");
            assertThat(crowd).hasSize(1_100);
        }
    }

    @Test
    void intentsDecideWhatASessionReceives() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long carl = gw.data.createUser("carl");
        long guild = guildWith(ada, bob, carl);
        try (GatewayClient guildsOnly = online(ada, Intents.GUILDS, null);
             GatewayClient noContent = online(bob, Intents.GUILDS | Intents.GUILD_MESSAGES, null)) {
            GatewayClient c = online(carl, null, null);
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE",
                    "{\"content\":\"secret\",\"author\":{\"id\":\"" + carl + "\"},\"embeds\":[{\"title\":\"t\"}]}");
            JsonNode stripped = noContent.expectDispatch("MESSAGE_CREATE").get("d");
            assertThat(stripped.get("content").asText()).isEmpty();
            assertThat(stripped.get("embeds")).isEmpty();
            assertThat(c.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("secret");

            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"to bob\",\"author\":{\"id\":\"" + carl
                    + "\"},\"mentions\":[{\"id\":\"" + bob + "\"}]}");
            assertThat(noContent.expectDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("to bob");
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"mine\",\"author\":{\"id\":\"" + bob
                    + "\"}}");
            assertThat(noContent.expectDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("mine");

            // ada (GUILDS only) got neither carl's PRESENCE_UPDATE nor any message.
            gw.ingress.publishToGuild(guild, "CHANNEL_UPDATE", "{\"id\":\"1\",\"name\":\"marker\"}");
            assertThat(guildsOnly.expectDispatch("CHANNEL_UPDATE").at("/d/name").asText()).isEqualTo("marker");
            c.close();
        }
    }

    @Test
    void botsMustSendIntentsAndMayOnlyHaveGrantedPrivilegedOnes() {
        long bot = gw.data.createBot("robot");
        guildWith(bot);
        try (GatewayClient none = GatewayClient.identified(gw.port(), gw.data.tokenFor(bot))) {
            assertThat(none.awaitClose().code()).isEqualTo(4013);
        }
        try (GatewayClient presences = GatewayClient.identified(gw.port(), gw.data.tokenFor(bot),
                Intents.GUILDS | Intents.GUILD_PRESENCES)) {
            assertThat(presences.awaitClose().code()).isEqualTo(4014);
        }
        try (GatewayClient granted = GatewayClient.identified(gw.port(), gw.data.tokenFor(bot),
                Intents.GUILDS | Intents.GUILD_MEMBERS)) {
            granted.expectDispatch("READY");
        }
    }
}
