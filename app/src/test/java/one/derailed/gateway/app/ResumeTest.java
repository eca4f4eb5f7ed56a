package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** RESUME end to end: a session outlives its socket, replays exactly what was missed, and refuses everyone else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.sessions.resume-timeout", "3s",
                "derailed.websocket.rate-limit.frames", 100_000,
                "derailed.websocket.heartbeat-interval", "300ms",
                "derailed.websocket.heartbeat-timeout", "1500ms",
                "derailed.sessions.replay-buffer.max-events", 50));
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    /** A client that identified, read READY and its guild's GUILD_CREATE, and heartbeats on its own. */
    private Live online(long userId) {
        GatewayClient client = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
        client.expectOp(10);
        client.identify(gw.data.tokenFor(userId), null);
        String sessionId = client.expectDispatch("READY").at("/d/session_id").asText();
        client.awaitDispatch("GUILD_CREATE");
        return new Live(client, sessionId);
    }

    private record Live(GatewayClient client, String sessionId) {}

    private GatewayClient resume(long userId, String sessionId, long seq) {
        return resumeWithToken(gw.data.tokenFor(userId), sessionId, seq);
    }

    private GatewayClient resumeWithToken(String token, String sessionId, long seq) {
        GatewayClient client = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
        client.expectOp(10);
        client.resume(token, sessionId, seq);
        return client;
    }

    private long guildOf(long... users) {
        long guild = gw.data.createGuild("g", users[0]);
        for (long user : users) {
            gw.data.addMember(guild, user);
        }
        return guild;
    }

    private void publish(long guild, int n) {
        gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
    }

    @Test
    void aDroppedClientResumesAndGetsEveryMissedEventOnceInOrderThenResumed() {
        long ada = gw.data.createUser("ada");
        long guild = guildOf(ada);
        Live live = online(ada);
        publish(guild, 1);
        assertThat(live.client().expectDispatch("MESSAGE_CREATE").get("s").longValue()).isEqualTo(3);
        live.client().drop();
        publish(guild, 2);
        publish(guild, 3);
        try (GatewayClient resumed = resume(ada, live.sessionId(), 3)) {
            JsonNode second = resumed.expectDispatch("MESSAGE_CREATE");
            assertThat(second.at("/d/n").intValue()).isEqualTo(2);
            assertThat(second.get("s").longValue()).isEqualTo(4);
            assertThat(resumed.expectDispatch("MESSAGE_CREATE").get("s").longValue()).isEqualTo(5);
            assertThat(resumed.expectDispatch("RESUMED").get("s").longValue()).isEqualTo(6);
            publish(guild, 4);
            JsonNode live4 = resumed.expectDispatch("MESSAGE_CREATE");
            assertThat(live4.at("/d/n").intValue()).isEqualTo(4);
            assertThat(live4.get("s").longValue()).isEqualTo(7);
        }
    }

    @Test
    void anotherUsersTokenAnUnknownSessionAndASeqAheadGetOp9AndLeaveTheSessionIntact() {
        long ada = gw.data.createUser("ada");
        long eve = gw.data.createUser("eve");
        long guild = guildOf(ada);
        Live live = online(ada);
        live.client().drop();
        try (GatewayClient stranger = resume(eve, live.sessionId(), 2)) {
            assertThat(stranger.expectOp(9).get("d").booleanValue()).isFalse();
        }
        try (GatewayClient forged = resumeWithToken("MTIz.AAAA.forged", live.sessionId(), 2)) {
            assertThat(forged.expectOp(9).get("d").booleanValue()).isFalse();
        }
        try (GatewayClient unknown = resume(ada, "0123456789abcdef0123456789abcdef", 2)) {
            assertThat(unknown.expectOp(9).get("d").booleanValue()).isFalse();
        }
        try (GatewayClient ahead = resume(ada, live.sessionId(), 99)) {
            assertThat(ahead.expectOp(9).get("d").booleanValue()).isFalse();
        }
        publish(guild, 1);
        try (GatewayClient owner = resume(ada, live.sessionId(), 2)) {
            assertThat(owner.expectDispatch("MESSAGE_CREATE").at("/d/n").intValue()).isEqualTo(1);
            owner.expectDispatch("RESUMED");
        }
    }

    @Test
    void aSeqOlderThanTheBufferGetsOp9() {
        long ada = gw.data.createUser("ada");
        long guild = guildOf(ada);
        Live live = online(ada);
        for (int n = 0; n < 60; n++) {
            publish(guild, n);
        }
        for (int n = 0; n < 60; n++) {
            live.client().expectDispatch("MESSAGE_CREATE");
        }
        live.client().drop();
        try (GatewayClient tooOld = resume(ada, live.sessionId(), 2)) {
            assertThat(tooOld.expectOp(9).get("d").booleanValue()).isFalse();
        }
        try (GatewayClient recent = resume(ada, live.sessionId(), 62)) {
            assertThat(recent.expectDispatch("RESUMED").get("s").longValue()).isEqualTo(63);
        }
    }

    /**
     * A heartbeat's seq says the client has everything up to it, and RESUME never asks for less than it has: the
     * session lets those dispatches go. A resume from the heartbeat's seq replays what came after; one from before it
     * asks for what the session no longer keeps and gets op 9.
     */
    @Test
    void dispatchesAcknowledgedByAHeartbeatAreNotKeptForResume() {
        long ada = gw.data.createUser("ada");
        long guild = guildOf(ada);
        GatewayClient client = GatewayClient.connect(gw.port());
        client.expectOp(10);
        client.identify(gw.data.tokenFor(ada), null);
        String sessionId = client.expectDispatch("READY").at("/d/session_id").asText();
        client.awaitDispatch("GUILD_CREATE");
        publish(guild, 1);
        assertThat(client.expectDispatch("MESSAGE_CREATE").get("s").longValue()).isEqualTo(3);
        client.send("{\"op\":1,\"d\":2}");
        client.expectOp(11);
        client.drop();
        try (GatewayClient beforeTheAck = resume(ada, sessionId, 1)) {
            assertThat(beforeTheAck.expectOp(9).get("d").booleanValue()).isFalse();
        }
        try (GatewayClient fromTheAck = resume(ada, sessionId, 2)) {
            assertThat(fromTheAck.expectDispatch("MESSAGE_CREATE").get("s").longValue()).isEqualTo(3);
            assertThat(fromTheAck.expectDispatch("RESUMED").get("s").longValue()).isEqualTo(4);
        }
    }

    @Test
    void afterTheWindowTheSessionIsGoneAndTheUserOffline() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildOf(ada, bob);
        Live watcher = online(ada);
        Live leaving = online(bob);
        assertThat(watcher.client().awaitDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("online");
        leaving.client().drop();
        JsonNode offline = watcher.client().awaitDispatch("PRESENCE_UPDATE");
        assertThat(offline.at("/d/user/id").asText()).isEqualTo(Long.toString(bob));
        assertThat(offline.at("/d/status").asText()).isEqualTo("offline");
        try (GatewayClient late = resume(bob, leaving.sessionId(), 2)) {
            assertThat(late.expectOp(9).get("d").booleanValue()).isFalse();
        }
        watcher.client().close();
    }

    @Test
    void aNormalCloseEndsTheSessionAtOnce() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildOf(ada, bob);
        Live watcher = online(ada);
        Live leaving = online(bob);
        watcher.client().awaitDispatch("PRESENCE_UPDATE");
        leaving.client().closeWith(1000);
        try (GatewayClient after = resume(bob, leaving.sessionId(), 2)) {
            assertThat(after.expectOp(9).get("d").booleanValue()).isFalse();
        }
        assertThat(watcher.client().awaitDispatch("PRESENCE_UPDATE").at("/d/status").asText()).isEqualTo("offline");
        watcher.client().close();
    }

    @Test
    void aDropKeepsTheUserOnlineThroughTheWindowWithoutFlicker() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long guild = guildOf(ada, bob);
        Live watcher = online(ada);
        Live blip = online(bob);
        watcher.client().awaitDispatch("PRESENCE_UPDATE");
        blip.client().drop();
        try (GatewayClient back = resume(bob, blip.sessionId(), 2)) {
            back.expectDispatch("RESUMED");
            publish(guild, 7);
            // The watcher's next dispatch is the message: no offline/online pair came first.
            assertThat(watcher.client().expectDispatch("MESSAGE_CREATE").at("/d/n").intValue()).isEqualTo(7);
        }
        watcher.client().close();
    }

    @Test
    void aResumeWhileTheOldSocketIsOpenTakesOverAndClosesTheZombie() {
        long ada = gw.data.createUser("ada");
        long guild = guildOf(ada);
        Live zombie = online(ada);
        try (GatewayClient fresh = resume(ada, zombie.sessionId(), 2)) {
            assertThat(fresh.expectDispatch("RESUMED").get("s").longValue()).isEqualTo(3);
            assertThat(zombie.client().awaitClose().code()).isEqualTo(4000);
            publish(guild, 5);
            assertThat(fresh.expectDispatch("MESSAGE_CREATE").get("s").longValue()).isEqualTo(4);
        }
    }

    @Test
    void aClientThatStopsHeartbeatingIsClosedResumably() {
        long ada = gw.data.createUser("ada");
        long guild = guildOf(ada);
        Live live = online(ada);
        live.client().stopHeartbeats();
        GatewayClient.Close close = live.client().awaitClose();
        assertThat(close.code()).isEqualTo(4000);
        assertThat(close.reason()).contains("heartbeat");
        publish(guild, 9);
        try (GatewayClient back = resume(ada, live.sessionId(), 2)) {
            assertThat(back.expectDispatch("MESSAGE_CREATE").at("/d/n").intValue()).isEqualTo(9);
            back.expectDispatch("RESUMED");
        }
    }
}
