package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Messages between nodes of every legitimate size. Artery drops a message over its ordinary frame (256 KiB) with only
 * a log line; before the gateway's traffic went over the large-message stream, each of these lost something silently
 * on the way: an event, a GUILD_CREATE, a READY, an op 8 answer, a moving session. Node A holds the guilds and users
 * and runs Ready; B is an edge node with Ready and the ingress; C is an edge node without Ready, which reaches A's and
 * B's workers across nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeMessagesAcrossNodesTest {
    private final String url = "jdbc:h2:mem:large" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private TestGateway a;
    private TestGateway b;
    private TestGateway c;

    @BeforeAll
    void start() throws Exception {
        a = TestGateway.start(database());
        b = TestGateway.joining(a, database(), Map.of());
        c = TestGateway.joining(a, database(), Map.of("derailed.roles", List.of("websocket", "sessions")));
    }

    private Database database() {
        return Database.open(new DatabaseSettings(url, "sa", "", 4, true));
    }

    @AfterAll
    void stop() {
        for (TestGateway node : new TestGateway[] {c, b, a}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static String content(int bytes) {
        return "{\"content\":\"" + "x".repeat(bytes) + "\"}";
    }

    @Test
    void aLargeEventReachesSessionsOnOtherNodesWithNoGapInTheirNumbers() {
        long ada = a.data.createUser("ada");
        long guild = a.data.createGuild("g", ada);
        a.data.addMember(guild, ada);
        try (GatewayClient onB = b.online(ada, 1)) {
            long before = onB.lastSeq();
            assertThat(a.ingress.publishToGuild(guild, "MESSAGE_CREATE", content(300_000))).isEqualTo("Success");
            assertThat(b.ingress.publishToGuild(guild, "MESSAGE_CREATE", content(900_000))).isEqualTo("Success");
            a.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"small\"}");
            JsonNode first = onB.awaitDispatch("MESSAGE_CREATE");
            assertThat(first.at("/d/content").asText()).hasSize(300_000);
            assertThat(first.path("s").asLong()).isEqualTo(before + 1);
            assertThat(onB.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).hasSize(900_000);
            JsonNode small = onB.awaitDispatch("MESSAGE_CREATE");
            assertThat(small.path("s").asLong()).isEqualTo(before + 3);
        }
    }

    @Test
    void anEventOverTheLimitIsRefusedWhereItEntersNamingTheLimit() {
        long ada = a.data.createUser("ada");
        long guild = a.data.createGuild("g", ada);
        assertThatThrownBy(() -> b.ingress.publishToGuild(guild, "MESSAGE_CREATE", content(1_100_000)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(refused.getStatus().getDescription()).contains("limits.max-event-bytes")
                            .contains("1048576");
                });
    }

    @Test
    void aGuildCreateOfHundredsOfKilobytesReachesAClientOnAnotherNode() {
        long owner = a.data.createUser("owner");
        long guild = a.data.createGuild("big", owner);
        List<Long> roles = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            roles.add(a.data.createRole(guild, "role-" + r));
        }
        List<GatewayClient> online = new ArrayList<>();
        try {
            for (int m = 0; m < 100; m++) {
                long user = a.data.createUser("member" + m);
                a.data.addMember(guild, user, "nickname long enough, number " + m);
                for (long role : roles) {
                    a.data.giveRole(guild, user, role);
                }
                online.add(a.online(user, 1));
            }
            long late = a.data.createUser("late");
            a.data.addMember(guild, late);
            try (GatewayClient onC = c.identified(late)) {
                onC.expectDispatch("READY");
                JsonNode guildCreate = onC.awaitDispatch("GUILD_CREATE");
                assertThat(guildCreate.toString().length()).isGreaterThan(256 * 1024);
                assertThat(guildCreate.at("/d/members")).hasSize(101);
                assertThat(guildCreate.at("/d/roles")).hasSize(101);
            }
        } finally {
            online.forEach(GatewayClient::close);
        }
    }

    @Test
    void aReadyForAUserInAThousandGuildsComesThroughARemoteReadyNode() {
        long ada = a.data.createUser("ada");
        // with the longest avatar and names the store allows, each membership is ~0.4 KB: the page is ~400 KB
        a.data.update("UPDATE users SET avatar = ?, global_name = ? WHERE id = ?", "a".repeat(255), "g".repeat(32),
                ada);
        for (int g = 0; g < 1000; g++) {
            long guild = a.data.createGuild("guild " + g, ada);
            a.data.addMember(guild, ada, "ada nicknamed in guild " + g);
        }
        try (GatewayClient onC = c.identified(ada)) {
            JsonNode ready = onC.expectDispatch("READY");
            assertThat(ready.at("/d/guilds")).hasSize(1000);
            for (int g = 0; g < 1000; g++) {
                onC.awaitDispatch("GUILD_CREATE");
            }
        }
    }

    @Test
    void anOp8AnswerOfAThousandMembersComesThroughARemoteReadyNode() {
        long ada = a.data.createUser("ada");
        long guild = a.data.createGuild("crowd", ada);
        a.data.addMember(guild, ada);
        for (int m = 0; m < 999; m++) {
            a.data.addMember(guild, a.data.createUser("crowd" + m), "crowd member nick " + m);
        }
        // each member ~0.4 KB as the store reads it, so the page Ready sends across is ~400 KB
        a.data.update("UPDATE users SET avatar = ?, global_name = ? WHERE id IN "
                + "(SELECT user_id FROM members WHERE guild_id = ?)", "a".repeat(255), "g".repeat(32), guild);
        try (GatewayClient onC = GatewayClient.identified(c.port(), c.data.tokenFor(ada),
                Intents.GUILDS | Intents.GUILD_MEMBERS)) {
            onC.expectDispatch("READY");
            onC.awaitDispatch("GUILD_CREATE");
            onC.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"query\":\"\",\"limit\":0}}");
            JsonNode chunk = onC.awaitDispatch("GUILD_MEMBERS_CHUNK");
            assertThat(chunk.toString().length()).isGreaterThan(256 * 1024);
            assertThat(chunk.at("/d/members")).hasSize(1000);
            assertThat(chunk.at("/d/chunk_count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSessionWithAFullReplayBufferMovesToAnotherNode() {
        long ada = a.data.createUser("ada");
        long guild = a.data.createGuild("g", ada);
        a.data.addMember(guild, ada);
        GatewayClient onB = b.identified(ada);
        String sessionId = onB.expectDispatch("READY").at("/d/session_id").asText();
        onB.awaitDispatch("GUILD_CREATE");
        long seq = onB.lastSeq();
        onB.stopHeartbeats();
        onB.drop();
        int events = 14;
        for (int n = 0; n < events; n++) {
            a.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + ",\"content\":\"" + "y".repeat(250_000)
                    + "\"}");
        }
        try (GatewayClient onC = GatewayClient.connect(c.port())) {
            onC.expectOp(10);
            onC.resume(a.data.tokenFor(ada), sessionId, seq);
            for (int n = 0; n < events; n++) {
                JsonNode replayed = onC.awaitDispatch("MESSAGE_CREATE");
                assertThat(replayed.at("/d/n").asInt()).isEqualTo(n);
                assertThat(replayed.path("s").asLong()).isEqualTo(seq + 1 + n);
            }
            onC.awaitDispatch("RESUMED");
        }
    }
}
