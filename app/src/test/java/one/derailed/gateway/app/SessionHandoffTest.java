package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import one.derailed.gateway.core.session.HandoffProtocol;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions across nodes: a client resumes on a node other than the one holding its session, and a node leaves
 * gracefully while its clients are being sent events. In both the session moves, and the client gets every event
 * exactly once, in order, with contiguous sequence numbers, while publishes keep coming. Node A holds the guilds and
 * users; B, C and D are edge nodes; every node has its own connection pool on one shared database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionHandoffTest {
    private static final int EVENTS = 150;
    private final String url = "jdbc:h2:mem:handoff" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private TestGateway a;
    private TestGateway b;
    private TestGateway c;

    @BeforeAll
    void start() throws Exception {
        a = TestGateway.start(database());
        b = edge();
        c = edge();
        awaitMembers(a, 3);
    }

    private Database database() {
        return Database.open(new DatabaseSettings(url, "sa", "", 4, true));
    }

    private TestGateway edge() throws Exception {
        return TestGateway.joining(a, database(), Map.of());
    }

    private static void awaitMembers(TestGateway node, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                Cluster.get(node.gateway.node().system()).state().members().size() == count);
    }

    /** Until each node's receptionist lists {@code count} session handoffs, its own included. */
    private static void awaitHandoffs(int count, TestGateway... nodes) {
        for (TestGateway node : nodes) {
            ActorSystem<?> system = node.gateway.node().system();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> AskPattern.<Receptionist.Command,
                            Receptionist.Listing>ask(system.receptionist(),
                            replyTo -> Receptionist.find(HandoffProtocol.SERVICE_KEY, replyTo), Duration.ofSeconds(5),
                            system.scheduler()).toCompletableFuture().get()
                    .getServiceInstances(HandoffProtocol.SERVICE_KEY).size() == count);
        }
    }

    @AfterAll
    void stop() {
        for (TestGateway node : new TestGateway[] {c, b, a}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void resumeOnAnotherNodeMovesTheSessionExactly() {
        long ada = a.data.createUser("ada");
        long bob = a.data.createUser("bob");
        long guild = a.data.createGuild("g", ada);
        a.data.addMember(guild, ada);
        a.data.addMember(guild, bob);
        try (GatewayClient watcher = a.online(bob, 1)) {
            GatewayClient first = b.identified(ada);
            String sessionId = first.expectDispatch("READY").at("/d/session_id").asText();
            first.awaitDispatch("GUILD_CREATE");
            watcher.awaitDispatch("PRESENCE_UPDATE");
            double movedBefore = c.counter("derailed_sessions_moved_in_total");

            CompletableFuture<Void> publishing = publish(guild, EVENTS);
            Received received = new Received();
            received.readUntil(first, EVENTS / 3);
            first.drop();

            try (GatewayClient resumed = resumeOn(c, ada, sessionId, received.lastSeq)) {
                received.readUntil(resumed, EVENTS);
                publishing.join();
                received.assertExactlyOnceInOrder(EVENTS);
                assertThat(c.counter("derailed_sessions_moved_in_total") - movedBefore).isEqualTo(1);

                // The move is invisible to others: bob never saw ada go offline, and the next thing he sees is this.
                a.ingress.publishToGuild(guild, "TYPING_START", "{\"after\":true}");
                JsonNode next = nextDispatchOtherThan(watcher, "MESSAGE_CREATE");
                assertThat(next.get("t").asText()).isEqualTo("TYPING_START");
                assertThat(resumed.awaitDispatch("TYPING_START").at("/d/after").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void gracefulLeaveHandsSessionsToSurvivorsAndLosesNothing() throws Exception {
        long cleo = a.data.createUser("cleo");
        long guild = a.data.createGuild("h", cleo);
        a.data.addMember(guild, cleo);
        TestGateway leaving = edge();
        awaitMembers(a, 4);
        // A claim asks the handoffs its node's receptionist lists, and a new node's reaches the others a gossip round
        // after it is up: until then a resume elsewhere of a session on it gets op 9 (docs/architecture.md).
        awaitHandoffs(4, a, b, c, leaving);
        GatewayClient onLeaving = leaving.identified(cleo);
        String sessionId = onLeaving.expectDispatch("READY").at("/d/session_id").asText();
        onLeaving.awaitDispatch("GUILD_CREATE");

        CompletableFuture<Void> publishing = publish(guild, EVENTS);
        Received received = new Received();
        received.readUntil(onLeaving, EVENTS / 3);
        CompletableFuture<Void> leave = CompletableFuture.runAsync(leaving::close);
        received.readUntilReconnect(onLeaving);
        // As a client library does on op 7: let the socket go without a close of its own. A 1000 (close()) that
        // reached the node before its own 4000 ended the session, and the resume below got op 9, as it should.
        onLeaving.drop();

        try (GatewayClient resumed = resumeOn(b, cleo, sessionId, received.lastSeq)) {
            received.readUntil(resumed, EVENTS);
            publishing.join();
            leave.get();
            received.assertExactlyOnceInOrder(EVENTS);
        }
        awaitMembers(a, 3);
    }

    /** A new socket to {@code node} that has sent RESUME for {@code userId}'s session from {@code seq}. */
    private GatewayClient resumeOn(TestGateway node, long userId, String sessionId, long seq) {
        GatewayClient client = GatewayClient.connect(node.port());
        client.expectOp(10);
        client.resume(a.data.tokenFor(userId), sessionId, seq);
        return client;
    }

    /** Publishes MESSAGE_CREATE n = 0..count-1 to the guild from node A's ingress, in order, on another thread. */
    private CompletableFuture<Void> publish(long guild, int count) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread publisher = new Thread(() -> {
            try {
                for (int n = 0; n < count; n++) {
                    a.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
                    Thread.sleep(5);
                }
                done.complete(null);
            } catch (Throwable failure) {
                done.completeExceptionally(failure);
            }
        }, "publisher");
        publisher.setDaemon(true);
        publisher.start();
        return done;
    }

    private static JsonNode nextDispatchOtherThan(GatewayClient client, String skipped) {
        while (true) {
            JsonNode frame = client.expectOp(0);
            if (!frame.get("t").asText().equals(skipped)) {
                return frame;
            }
        }
    }


    /** What one client saw across its sockets: the n of each MESSAGE_CREATE and the seq of every dispatch. */
    private static final class Received {
        final List<Integer> numbers = new ArrayList<>();
        final List<Long> seqs = new ArrayList<>();
        long lastSeq;

        /** Reads until {@code count} messages in all were seen. */
        void readUntil(GatewayClient client, int count) {
            while (numbers.size() < count) {
                record(client.next());
            }
        }

        /** Reads until the server tells the client to reconnect (op 7). */
        void readUntilReconnect(GatewayClient client) {
            while (true) {
                JsonNode frame = client.next();
                if (frame.get("op").intValue() == 7) {
                    return;
                }
                record(frame);
            }
        }

        private void record(JsonNode frame) {
            // An op 9 is the session lost, not a frame to skip: skipped, it left the test waiting for the next frame.
            assertThat(frame.get("op").intValue()).as("the server said the session is gone: %s", frame).isNotEqualTo(9);
            if (frame.get("op").intValue() != 0) {
                return;
            }
            long seq = frame.get("s").longValue();
            if (frame.get("t").asText().equals("RESUMED")) {
                lastSeq = seq;
                seqs.add(seq);
                return;
            }
            seqs.add(seq);
            lastSeq = seq;
            if (frame.get("t").asText().equals("MESSAGE_CREATE")) {
                numbers.add(frame.at("/d/n").intValue());
            }
        }

        void assertExactlyOnceInOrder(int count) {
            assertThat(numbers).as("every event exactly once, in order")
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, count).boxed().toList());
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("contiguous seq at %d", i).isEqualTo(seqs.get(i - 1) + 1);
            }
        }
    }
}
