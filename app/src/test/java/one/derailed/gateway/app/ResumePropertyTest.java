package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import one.derailed.gateway.store.testing.TestDatabases;

/**
 * Events published to a guild while the client's connection is cut at random points (TCP drop, close 4000, stopped
 * heartbeats) and resumed, again and again: the client sees every event exactly once, in order, with {@code s}
 * consecutive across every connection.
 */
class ResumePropertyTest {
    private static final int EVENTS = 20;
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static TestGateway gw;

    enum CutKind { DROP, CLOSE_4000, STOP_HEARTBEATS }

    record Cut(int afterEvent, CutKind kind) {}

    @BeforeContainer
    static void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.websocket.heartbeat-interval", "100ms",
                "derailed.websocket.heartbeat-timeout", "300ms",
                "derailed.sessions.resume-timeout", "30s"));
    }

    @AfterContainer
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Provide
    Arbitrary<List<Cut>> cuts() {
        Arbitrary<Cut> cut = Combinators.combine(Arbitraries.integers().between(0, EVENTS - 1),
                Arbitraries.of(CutKind.class)).as(Cut::new);
        return cut.list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(tries = 200)
    void everyEventArrivesExactlyOnceInOrderAcrossRandomCuts(@ForAll("cuts") List<Cut> cuts) {
        long user = gw.data.createUser("prop");
        long guild = gw.data.createGuild("prop", user);
        gw.data.addMember(guild, user);
        String token = gw.data.tokenFor(user);

        GatewayClient client = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
        client.expectOp(10);
        client.identify(token, null);
        JsonNode ready = client.expectDispatch("READY");
        String sessionId = ready.at("/d/session_id").asText();
        List<JsonNode> seen = new ArrayList<>(List.of(ready));
        try {
            for (int n = 0; n < EVENTS; n++) {
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
                for (Cut cut : cuts) {
                    if (cut.afterEvent() == n) {
                        client = cutAndResume(client, cut.kind(), token, sessionId, seen);
                    }
                }
            }
            while (count(seen, "MESSAGE_CREATE") < EVENTS) {
                seen.add(client.next());
            }
        } finally {
            client.close();
        }

        List<Integer> order = new ArrayList<>();
        long expectedSeq = 1;
        for (JsonNode frame : seen) {
            assertThat(frame.get("s").longValue()).as("s of %s", frame).isEqualTo(expectedSeq++);
            if (frame.get("t").asText().equals("MESSAGE_CREATE")) {
                order.add(frame.at("/d/n").intValue());
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < EVENTS; n++) {
            expected.add(n);
        }
        assertThat(order).isEqualTo(expected);
    }

    /** Cuts the connection, keeps what it had received, and resumes from the last {@code s} it saw. */
    private static GatewayClient cutAndResume(GatewayClient client, CutKind kind, String token, String sessionId,
                                              List<JsonNode> seen) {
        switch (kind) {
            case DROP -> client.drop();
            case CLOSE_4000 -> client.closeWith(4000);
            case STOP_HEARTBEATS -> {
                client.stopHeartbeats();
                client.awaitClose();
            }
        }
        for (JsonNode frame : client.drainReceived()) {
            if (frame.path("op").intValue() == 0) {
                seen.add(frame);
            }
        }
        long lastSeq = seen.get(seen.size() - 1).get("s").longValue();
        client.close();
        GatewayClient resumed = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
        resumed.expectOp(10);
        resumed.resume(token, sessionId, lastSeq);
        while (true) {
            JsonNode frame = resumed.expectOp(0);
            seen.add(frame);
            if (frame.get("t").asText().equals("RESUMED")) {
                return resumed;
            }
        }
    }

    private static long count(List<JsonNode> frames, String event) {
        return frames.stream().filter(f -> event.equals(f.path("t").asText())).count();
    }
}
