package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import one.derailed.gateway.core.user.User;
import one.derailed.gateway.store.Tokens;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Authentication over real sockets: every refused token closes with 4004 and the same reason, and a user the API
 * revokes (suspended, deleted, password changed) loses every live session at once, while others keep receiving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of("derailed.sessions.resume-timeout", "60s"));
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    @Test
    void everyRefusedTokenClosesWith4004AndOneReason() {
        try (Bystander bystander = new Bystander(gw)) {
            long suspended = gw.data.createUser("suspended");
            String suspendedToken = gw.data.tokenFor(suspended);
            gw.data.suspend(suspended);
            long changed = gw.data.createUser("changed");
            String oldToken = gw.data.tokenFor(changed);
            gw.data.changePassword(changed);
            String unknownUser = Tokens.sign(987_654_321_000L, "a secret", 1_700_000_000);
            String valid = gw.data.tokenFor(gw.data.createUser("valid"));
            String forged = valid.substring(0, valid.length() - 4) + "abcd";
            for (String token : new String[] {suspendedToken, oldToken, unknownUser, forged, "garbage"}) {
                try (GatewayClient client = GatewayClient.identified(gw.port(), token)) {
                    GatewayClient.Close close = client.awaitClose();
                    assertThat(close.code()).as(token).isEqualTo(4004);
                    assertThat(close.reason()).as(token).isEqualTo("authentication failed");
                }
                bystander.stillReceives();
            }
        }
    }

    @Test
    void aRevokedUserLosesEverySessionAtOnceAndOthersKeepReceiving() {
        long ada = gw.data.createUser("ada");
        try (Bystander bystander = new Bystander(gw)) {
            gw.data.addMember(bystander.guild, ada);
            GatewayClient live = gw.online(ada, 1);
            GatewayClient away = gw.online(ada, 1);
            // The second session's socket drops: it waits for a RESUME, still subscribed.
            String awaySession = away.readySessionId();
            away.drop();
            bystander.stillReceives();

            gw.ingress.publishToUser(ada, User.SESSIONS_REVOKED, "{\"reason\":\"suspended\"}");
            GatewayClient.Close close = live.awaitClose();
            assertThat(close.code()).isEqualTo(4004);
            assertThat(close.reason()).isEqualTo("authentication failed");
            // The session that waited for its client is gone too: a RESUME finds nothing.
            String sessionId = awaySession;
            org.awaitility.Awaitility.await().atMost(GatewayClient.WAIT).until(() ->
                    gw.gateway.node().sessions().directory().bySessionId(sessionId) == null);
            try (GatewayClient resumer = GatewayClient.connect(gw.port())) {
                resumer.expectOp(10);
                resumer.resume(gw.data.tokenFor(ada), sessionId, 1);
                assertThat(resumer.expectOp(9).get("d").booleanValue()).isFalse();
            }
            bystander.stillReceives();
            live.close();
        }
    }

    private String sessionIdOf(GatewayClient client) {
        return client.readySessionId();
    }
}
