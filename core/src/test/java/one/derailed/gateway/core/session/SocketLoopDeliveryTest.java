package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.ClientPayloadDecoder;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestData;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.typed.ActorRef;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions whose socket has an event loop (here a single thread standing in for a Netty loop) run on it, and the
 * relay hands them their dispatches there, straight out when nothing of theirs is waiting ({@link SessionPort}).
 * What that must keep: every event once and in order, numbered without a gap, never ahead of the GUILD_CREATE the
 * session's actor sends for a guild just joined; a failed write still ends the session.
 */
class SocketLoopDeliveryTest {
    private static Database database;
    private static TestData data;
    private static GatewayNode node;

    @BeforeAll
    static void start() {
        database = TestDatabases.h2();
        data = TestData.of(database);
        node = GatewayNode.start(GatewayNode.loadConfig(ConfigFactory.parseMap(Map.of(
                "derailed.cluster.port", 0, "derailed.roles", List.of("websocket", "sessions", "guilds", "users",
                        "ready")))), database);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(node::isUp);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A socket with a loop of its own: keeps each frame with the thread that sent it. */
    static final class LoopConnection implements Connection {
        final ExecutorService loop;
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicBoolean failSends = new AtomicBoolean();
        volatile CloseCode closedWith;

        LoopConnection(String name) {
            loop = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
        }

        @Override
        public void send(EncodedFrame frame) {
            if (failSends.get()) {
                throw new IllegalStateException("the socket's write failed (injected)");
            }
            frames.add(Json.readOrMissing(frame.toBytes()));
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        @Override
        public void attach(ActorRef<SessionProtocol.Command> session) {}

        @Override
        public void close(CloseCode code, String reason) {
            if (closedWith == null) {
                closedWith = code;
            }
        }

        @Override
        public java.util.concurrent.Executor executor() {
            return loop;
        }

        List<JsonNode> dispatches() {
            return frames.stream().filter(f -> f.path("op").asInt() == 0).toList();
        }
    }

    private static ClientPayload.Identify identify(String token) throws Exception {
        return (ClientPayload.Identify) ClientPayloadDecoder.decode(("{\"op\":2,\"d\":{\"token\":\"" + token
                + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"test\",\"device\":\"test\"},\"intents\":"
                + ((1 << 0) | (1 << 1) | (1 << 9) | (1 << 15)) + "}}").getBytes(StandardCharsets.UTF_8));
    }

    private static CompletableFuture<Void> publish(long guild, String event, String json) {
        return node.ingress().publishToGuild(guild, event, json.getBytes(StandardCharsets.UTF_8), null)
                .toCompletableFuture();
    }

    @Test
    void aGuildJoinedWhileEventsPourInIsCreatedBeforeAnyOfItsEventsAndEveryEventComesOnceInOrder() throws Exception {
        long ada = data.createUser("ada");
        long home = data.createGuild("home", ada);
        data.addMember(home, ada);
        long joined = data.createGuild("joined", ada);
        LoopConnection connection = new LoopConnection("test-loop-1");
        node.sessions().identify(connection, identify(data.tokenFor(ada)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .anyMatch(d -> d.path("t").asText().equals("GUILD_CREATE")));

        // Events of both guilds keep coming while ada joins the second: its GUILD_CREATE comes from the session's
        // actor, its events meanwhile from the relay, straight out on the loop.
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        int last = -1;
        int afterCreated = 0;
        for (int i = 0; i < 5_000 && afterCreated < 100; i++) {
            if (i == 50) {
                data.addMember(joined, ada);
                sent.add(publish(joined, "GUILD_MEMBER_ADD", "{\"guild_id\":\"" + joined + "\",\"user\":{\"id\":\""
                        + ada + "\",\"username\":\"ada\"},\"roles\":[],\"joined_at\":\"2026-11-28T00:00:00Z\"}"));
            }
            sent.add(publish(home, "MESSAGE_CREATE", "{\"content\":\"home-" + i + "\"}"));
            sent.add(publish(joined, "MESSAGE_CREATE", "{\"content\":\"joined-" + i + "\"}"));
            last = i;
            if (afterCreated > 0 || createdIn(connection.dispatches(), joined) >= 0) {
                afterCreated++;
            }
            if (i % 20 == 19) {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                sent.clear();
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        String lastJoined = "joined-" + last;
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> connection.dispatches().stream()
                .anyMatch(d -> d.at("/d/content").asText().equals(lastJoined)));

        List<JsonNode> dispatches = connection.dispatches();
        for (int i = 0; i < dispatches.size(); i++) {
            assertThat(dispatches.get(i).path("s").asLong()).as("numbered without a gap").isEqualTo(i + 1);
        }
        int published = last + 1;
        assertThat(contents(dispatches, "home-")).as("every event of the first guild once, in order")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, published).mapToObj(i -> "home-" + i)
                        .toList());
        int created = createdIn(dispatches, joined);
        assertThat(created).as("the joined guild was created").isPositive();
        int firstJoinedEvent = -1;
        for (int i = 0; i < dispatches.size(); i++) {
            if (dispatches.get(i).at("/d/content").asText().startsWith("joined-")) {
                firstJoinedEvent = i;
                break;
            }
        }
        assertThat(firstJoinedEvent).as("no event of the joined guild before its GUILD_CREATE").isGreaterThan(created);
        List<String> joinedEvents = contents(dispatches, "joined-");
        int from = Integer.parseInt(joinedEvents.get(0).substring("joined-".length()));
        assertThat(joinedEvents).as("once the guild is there, each of its events once, in order")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(from, published).mapToObj(i -> "joined-" + i)
                        .toList());
        assertThat(connection.threads).as("the session wrote everything from its socket's loop")
                .containsOnly("test-loop-1");
        connection.loop.shutdown();
    }

    @Test
    void aWriteThatFailsOnTheLoopEndsTheSession() throws Exception {
        long bob = data.createUser("bob");
        long guild = data.createGuild("HQ", bob);
        data.addMember(guild, bob);
        LoopConnection connection = new LoopConnection("test-loop-2");
        node.sessions().identify(connection, identify(data.tokenFor(bob)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .anyMatch(d -> d.path("t").asText().equals("GUILD_CREATE")));
        String sessionId = connection.dispatches().get(0).at("/d/session_id").asText();

        connection.failSends.set(true);
        publish(guild, "MESSAGE_CREATE", "{\"content\":\"x\"}").join();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.closedWith != null);
        assertThat(connection.closedWith).isEqualTo(CloseCode.SESSION_TIMED_OUT);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> node.sessions().directory().bySessionId(sessionId) == null);
        connection.loop.shutdown();
    }

    /** Where the GUILD_CREATE of {@code guild} is among {@code dispatches}, or -1. */
    private static int createdIn(List<JsonNode> dispatches, long guild) {
        for (int i = 0; i < dispatches.size(); i++) {
            JsonNode d = dispatches.get(i);
            if (d.path("t").asText().equals("GUILD_CREATE") && d.at("/d/id").asText().equals(Long.toString(guild))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> contents(List<JsonNode> dispatches, String prefix) {
        return dispatches.stream().map(d -> d.at("/d/content").asText()).filter(c -> c.startsWith(prefix)).toList();
    }
}
