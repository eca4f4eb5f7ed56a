package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while 50 MB of events are published to its guild: the gateway closes its socket with a
 * resumable code (4000), its session's buffer stays within its bounds throughout, and the session ends once the
 * buffer would have to drop something the client may not have seen. The assertions are on the accounting and the
 * server's close counts, never on timing.
 */
class SlowClientTest {
    private static final int EVENT_BYTES = 10 * 1024;
    private static final int EVENTS = 50 * 1024 * 1024 / EVENT_BYTES;
    private static final long MAX_BYTES = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aStalledClientIsCutAndItsBufferNeverPassesItsBounds() throws Exception {
        try (TestGateway gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.websocket.outbound-high-water", "256KiB",
                "derailed.sessions.replay-buffer.max-bytes", MAX_BYTES,
                "derailed.sessions.replay-buffer.max-events", 100_000,
                "derailed.limits.max-event-bytes", "64KiB"))) {
            long ada = gw.data.createUser("ada");
            long guild = gw.data.createGuild("g", ada);
            gw.data.addMember(guild, ada);
            RawGatewaySocket client = new RawGatewaySocket(gw.port());
            client.read();
            client.send("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(ada) + "\"}}");
            String sessionId = client.read().at("/d/session_id").asText();
            client.read();
            // From here on the client reads nothing.
            ActorRef<SessionProtocol.Command> session = gw.gateway.node().sessions().directory().bySessionId(sessionId);

            String data = "{\"content\":\"" + "x".repeat(EVENT_BYTES - 16) + "\"}";
            boolean ended = false;
            for (int n = 0; n < EVENTS; n++) {
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", data);
                if (ended) {
                    continue;
                }
                if (gw.gateway.node().sessions().directory().bySessionId(sessionId) == null) {
                    ended = true;
                    continue;
                }
                SessionProtocol.BufferStats stats = stats(gw, session);
                if (stats == null) {
                    ended = true;
                    continue;
                }
                assertThat(stats.peakBytes()).isLessThanOrEqualTo(MAX_BYTES);
                assertThat(stats.bytes()).isLessThanOrEqualTo(MAX_BYTES);
                assertThat(stats.maxBytes()).isEqualTo(MAX_BYTES);
            }
            // The server cut the socket with 4000, a resumable close. The close is counted when the socket is gone:
            // its close frame waits behind a backlog the client never reads, so the socket is cut after a grace
            // (2 s), which may come after the last publish above.
            Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(gw.gateway.node().metrics().scrape())
                    .containsPattern("derailed_closes_total\\{by=\"server\",code=\"4000\"\\} [1-9]"));
            // The session, its buffer already full, ends at the first dispatch it cannot keep for a resume.
            if (!ended) {
                Awaitility.await().atMost(WAIT).until(() -> {
                    gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", data);
                    return gw.gateway.node().sessions().directory().bySessionId(sessionId) == null;
                });
            }
            client.close();
        }
    }

    private static SessionProtocol.BufferStats stats(TestGateway gw, ActorRef<SessionProtocol.Command> session) {
        try {
            return AskPattern.<SessionProtocol.Command, SessionProtocol.BufferStats>ask(session, SessionProtocol.GetBufferStats::new,
                            Duration.ofSeconds(5), gw.gateway.node().system().scheduler())
                    .toCompletableFuture().join();
        } catch (RuntimeException sessionEnded) {
            return null;
        }
    }
}
