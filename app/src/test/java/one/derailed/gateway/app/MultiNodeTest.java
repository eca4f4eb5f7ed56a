package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes, one cluster: node A runs every role, node B no guilds and no users, so a client on B reaches its guilds
 * and its user on A and every event crosses nodes (serialized with CBOR). Publishing from either node reaches
 * sessions on both, in order, with one relay message per node that has recipients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiNodeTest {
    private Database database;
    private TestGateway a;
    private TestGateway b;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabases.h2();
        a = TestGateway.start(database);
        b = TestGateway.joining(a, database, Map.of());
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void publishesFromEitherNodeReachSessionsOnBothInOrderWithOneMessagePerNode() {
        long ada = a.data.createUser("ada");
        long bob = a.data.createUser("bob");
        long guild = a.data.createGuild("g", ada);
        a.data.addMember(guild, ada);
        a.data.addMember(guild, bob);
        try (GatewayClient onA = a.online(ada, 1); GatewayClient onB = b.online(bob, 1);
             GatewayClient alsoOnB = b.online(bob, 1)) {
            onA.awaitDispatch("PRESENCE_UPDATE");
            double relayBefore = a.counter("derailed_guild_relay_messages_total");
            double publishesBefore = a.counter("derailed_guild_publishes_total");

            for (int n = 0; n < 100; n++) {
                (n % 2 == 0 ? a : b).ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
            }
            for (GatewayClient client : List.of(onA, onB, alsoOnB)) {
                for (int n = 0; n < 100; n++) {
                    assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/n").intValue()).isEqualTo(n);
                }
            }
            double relayMessages = a.counter("derailed_guild_relay_messages_total") - relayBefore;
            double publishes = a.counter("derailed_guild_publishes_total") - publishesBefore;
            assertThat(publishes).isEqualTo(100);
            assertThat(relayMessages).as("one message per node with recipients, not per session").isEqualTo(200);
            assertThat(b.counter("derailed_events_delivered_total")).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void userEventsAndPresenceCrossNodes() {
        long ada = a.data.createUser("ada");
        long bob = a.data.createUser("bob");
        long guild = a.data.createGuild("g", ada);
        a.data.addMember(guild, ada);
        a.data.addMember(guild, bob);
        try (GatewayClient onA = a.online(ada, 1)) {
            GatewayClient onB = b.online(bob, 1);
            JsonNode online = onA.awaitDispatch("PRESENCE_UPDATE");
            assertThat(online.at("/d/user/id").asText()).isEqualTo(Long.toString(bob));
            b.ingress.publishToUser(ada, "USER_UPDATE", "{\"from\":\"b\"}");
            assertThat(onA.awaitDispatch("USER_UPDATE").at("/d/from").asText()).isEqualTo("b");
            onB.closeWith(1000);
            assertThat(onA.awaitDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("offline");
        }
    }

}
