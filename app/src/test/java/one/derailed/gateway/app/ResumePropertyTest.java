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
                "derailed.websocket.rate-limit.frames", 100_000,
                "derailed.websocket.heartbeat-interval", "100ms",
                "derailed.websocket.heartbeat-timeout", "500ms",
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

    @Property(tries = 100)
    void everyEventArrivesExactlyOnceInOrderAcrossRandomCuts(@ForAll("cuts") List<Cut> cuts) {
        long user = gw.data.createUser("prop");
        long guild = gw.data.createGuild("prop", user);
        gw.data.addMember(guild, user);
        String token = gw.data.tokenFor(user);

        GatewayClient client;
        List<JsonNode> start;
        do {
            // A starved heartbeat can cut even the first connection; a library would identify again.
            client = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
            client.identify(token, null);
            start = awaitGuildCreate(client);
        } while (start == null);
        String sessionId = start.get(0).at("/d/session_id").asText();
        // Events count from the guild's GUILD_CREATE on: publishing starts only after it.
        List<JsonNode> seen = new ArrayList<>(start);
        try {
            for (int n = 0; n < EVENTS; n++) {
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
                for (Cut cut : cuts) {
                    if (cut.afterEvent() == n) {
                        client = cutAndResume(client, cut.kind(), token, sessionId, seen);
                    }
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count(seen, "MESSAGE_CREATE") < EVENTS) {
                List<JsonNode> tail = seen.subList(Math.max(0, seen.size() - 4), seen.size());
                assertThat(System.nanoTime()).as("all events within 60 s; last frames %s", tail)
                        .isLessThan(deadline);
                JsonNode frame = client.poll(Duration.ofMillis(100));
                if (frame != null) {
                    assertThat(frame.path("op").intValue()).as("only dispatches after RESUMED: %s", frame)
                            .isZero();
                    seen.add(frame);
                } else if (client.isClosed()) {
                    // A cut nobody planned (a starved heartbeat under load) is one more cut: resume like a library.
                    client = resume(client, token, sessionId, seen);
                }
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
        return resume(client, token, sessionId, seen);
    }

    /**
     * Keeps what the cut connection had received and resumes from the last {@code s} seen, again and again if the
     * new connection is cut before RESUMED; op 9 would break the property and fails the trial.
     */
    private static GatewayClient resume(GatewayClient cut, String token, String sessionId, List<JsonNode> seen) {
        GatewayClient previous = cut;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (JsonNode frame : previous.drainReceived()) {
                if (frame.path("op").intValue() == 0) {
                    seen.add(frame);
                }
            }
            previous.close();
            long lastSeq = seen.get(seen.size() - 1).get("s").longValue();
            GatewayClient resumed = GatewayClient.connect(gw.port()).heartbeatEvery(HEARTBEAT);
            resumed.resume(token, sessionId, lastSeq);
            while (true) {
                assertThat(System.nanoTime()).as("resumed within 60 s").isLessThan(deadline);
                JsonNode frame = resumed.poll(Duration.ofMillis(100));
                if (frame == null) {
                    if (resumed.isClosed()) {
                        break;
                    }
                    continue;
                }
                assertThat(frame.path("op").intValue()).as("no op 9: %s", frame).isNotEqualTo(9);
                if (frame.path("op").intValue() != 0) {
                    continue;
                }
                seen.add(frame);
                if (frame.get("t").asText().equals("RESUMED")) {
                    return resumed;
                }
            }
            previous = resumed;
        }
    }

    /** READY and the guild's GUILD_CREATE, or null when the connection was cut first. */
    private static List<JsonNode> awaitGuildCreate(GatewayClient client) {
        List<JsonNode> frames = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(Duration.ofMillis(100));
            if (frame != null && frame.path("op").intValue() == 0) {
                frames.add(frame);
                if ("GUILD_CREATE".equals(frame.path("t").asText())) {
                    return frames;
                }
            }
            if (frame == null && client.isClosed()) {
                client.close();
                return null;
            }
        }
        throw new AssertionError("no GUILD_CREATE within 60 s");
    }

    private static long count(List<JsonNode> frames, String event) {
        return frames.stream().filter(f -> event.equals(f.path("t").asText())).count();
    }
}
