package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each limit's answer, and that the other sessions never notice. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {
    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.sessions.identify.max-concurrency", 2,
                "derailed.sessions.session-start-limit.total", 3));
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    /** A session of a fresh user in a fresh guild, and a way to check it still gets that guild's events. */
    private final class Bystander implements AutoCloseable {
        final long guild;
        final GatewayClient client;

        Bystander() {
            long user = gw.data.createUser("bystander");
            guild = gw.data.createGuild("g", user);
            gw.data.addMember(guild, user);
            client = gw.online(user, 1);
        }

        void stillReceives() {
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"still\":true}");
            assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/still").booleanValue()).isTrue();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void moreThan120FramesInAMinuteCloseWith4008() {
        try (Bystander bystander = new Bystander(); GatewayClient chatty = GatewayClient.connect(gw.port())) {
            chatty.expectOp(10);
            for (int i = 0; i < 120; i++) {
                chatty.send("{\"op\":1,\"d\":null}");
            }
            for (int i = 0; i < 120; i++) {
                chatty.expectOp(11);
            }
            chatty.send("{\"op\":1,\"d\":null}");
            GatewayClient.Close close = chatty.awaitClose();
            assertThat(close.code()).isEqualTo(4008);
            assertThat(close.reason()).contains("120");
            bystander.stillReceives();
        }
    }

    @Test
    void aBotIdentifyingFasterThanItsMaxConcurrencyGetsOp9InTheSameBucketOnly() {
        long bot = gw.data.createBot("robot");
        String token = gw.data.tokenFor(bot);
        try (Bystander bystander = new Bystander(); GatewayClient first = identifyShard(token, 0, 4, Intents.GUILDS)) {
            first.expectDispatch("READY");
            try (GatewayClient sameBucket = identifyShard(token, 2, 4, Intents.GUILDS)) {
                assertThat(sameBucket.expectOp(9).get("d").booleanValue()).isFalse();
                assertThat(sameBucket.isClosed()).isFalse();
            }
            try (GatewayClient otherBucket = identifyShard(token, 1, 4, Intents.GUILDS)) {
                otherBucket.expectDispatch("READY");
            }
            bystander.stillReceives();
        }
    }

    @Test
    void theSessionStartLimitCountsAcrossConnectionsAndRefusesWithAReason() {
        long ada = gw.data.createUser("ada");
        gw.data.addMember(gw.data.createGuild("g", ada), ada);
        try (Bystander bystander = new Bystander()) {
            for (int i = 0; i < 3; i++) {
                try (GatewayClient session = gw.online(ada, 1)) {
                    session.closeWith(1000);
                }
            }
            try (GatewayClient refused = GatewayClient.identified(gw.port(), gw.data.tokenFor(ada))) {
                GatewayClient.Close close = refused.awaitClose();
                assertThat(close.code()).isEqualTo(4008);
                assertThat(close.reason()).contains("session start limit");
            }
            bystander.stillReceives();
        }
    }

    @Test
    void guildEventsReachOnlyTheShardOwningTheGuildAndUserEventsOnlyShardZero() {
        long ada = gw.data.createUser("ada");
        long even = 0;
        long odd = 0;
        while (even == 0 || odd == 0) {
            long guild = gw.data.createGuild("g", ada);
            gw.data.addMember(guild, ada);
            if (((guild >>> 22) % 2) == 0 && even == 0) {
                even = guild;
            } else if (((guild >>> 22) % 2) == 1 && odd == 0) {
                odd = guild;
            } else {
                gw.data.removeMember(guild, ada);
            }
        }
        String token = gw.data.tokenFor(ada);
        try (GatewayClient shard0 = identifyShard(token, 0, 2, null);
             GatewayClient shard1 = identifyShard(token, 1, 2, null)) {
            JsonNode ready0 = shard0.expectDispatch("READY").get("d");
            assertThat(ready0.get("guilds").findValuesAsText("id")).containsExactly(Long.toString(even));
            assertThat(ready0.get("shard").toString()).isEqualTo("[0,2]");
            assertThat(shard0.expectDispatch("GUILD_CREATE").at("/d/id").asText()).isEqualTo(Long.toString(even));
            JsonNode ready1 = shard1.expectDispatch("READY").get("d");
            assertThat(ready1.get("guilds").findValuesAsText("id")).containsExactly(Long.toString(odd));
            assertThat(shard1.expectDispatch("GUILD_CREATE").at("/d/id").asText()).isEqualTo(Long.toString(odd));

            gw.ingress.publishToGuild(odd, "MESSAGE_CREATE", "{\"to\":\"odd\"}");
            gw.ingress.publishToUser(ada, "USER_UPDATE", "{\"to\":\"user\"}");
            gw.ingress.publishToGuild(even, "MESSAGE_CREATE", "{\"to\":\"even\"}");
            assertThat(shard1.expectDispatch("MESSAGE_CREATE").at("/d/to").asText()).isEqualTo("odd");
            assertThat(shard0.expectDispatch("USER_UPDATE").at("/d/to").asText()).isEqualTo("user");
            assertThat(shard0.expectDispatch("MESSAGE_CREATE").at("/d/to").asText()).isEqualTo("even");
            gw.ingress.publishToGuild(odd, "MESSAGE_CREATE", "{\"to\":\"odd again\"}");
            assertThat(shard1.expectDispatch("MESSAGE_CREATE").at("/d/to").asText()).isEqualTo("odd again");
        }
    }

    @Test
    void anImpossibleShardClosesWith4010() {
        long ada = gw.data.createUser("ada");
        try (GatewayClient client = identifyShard(gw.data.tokenFor(ada), 3, 3, null)) {
            assertThat(client.awaitClose().code()).isEqualTo(4010);
        }
    }

    private GatewayClient identifyShard(String token, int shard, int shards, Integer intents) {
        GatewayClient client = GatewayClient.connect(gw.port());
        client.expectOp(10);
        client.send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"t\","
                + "\"device\":\"t\"},\"shard\":[" + shard + "," + shards + "]"
                + (intents == null ? "" : ",\"intents\":" + intents) + "}}");
        return client;
    }
}
