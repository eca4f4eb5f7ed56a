package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.core.overload.ClientBytesMailbox;
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
        node = one.derailed.gateway.core.ActorTests.nodeWithEveryRole(database);
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
        /** Per frame: written straight from a relay's hand-out ({@link SessionPort#hand}), not by the actor. */
        final List<Boolean> straight = new CopyOnWriteArrayList<>();
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
            straight.add(StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
                    f.getClassName().equals(SessionPort.class.getName()) && f.getMethodName().equals("hand"))));
        }

        /** Holds the loop until the returned latch is counted down; returns once the loop is held. */
        CountDownLatch hold() throws InterruptedException {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            return release;
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

    /**
     * Dispatches handed out while the session's loop is busy, around a message that must go through the actor (a
     * guild gone, which it answers with GUILD_DELETE): those before it go straight out, those behind it wait in the
     * mailbox behind it, and the client sees them all in the order handed, numbered one up each, with the
     * GUILD_DELETE in its place; once the mailbox is empty again, dispatches go straight out again.
     */
    @Test
    void dispatchesHandedOutAroundAnActorMessageKeepTheirOrderAndTheirNumbers() throws Exception {
        OnLoop session = sessionOnLoop("cy", "test-loop-3");
        LoopConnection connection = session.connection();
        SessionPort port = session.port();
        long guild = session.guild();
        long[] recipient = session.recipient();

        CountDownLatch release = connection.hold();
        int before = connection.frames.size();
        long numberedBefore = connection.dispatches().size();
        for (int i = 0; i < 100; i++) {
            handOut(recipient, "a-" + i);
        }
        Handout.handOut(node.sessions().directory(), recipient, new Delivery.GuildGone(guild, true));
        for (int i = 0; i < 100; i++) {
            handOut(recipient, "b-" + i);
        }
        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> contents(connection.dispatches(), "b-").size()
                == 100);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> nothingWaiting(port, connection));
        for (int i = 0; i < 100; i++) {
            handOut(recipient, "c-" + i);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> contents(connection.dispatches(), "c-").size()
                == 100);

        List<JsonNode> all = connection.frames.subList(before, connection.frames.size());
        long first = all.get(0).path("s").asLong();
        assertThat(first).as("following what the session sent before").isEqualTo(numberedBefore + 1);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).path("s").asLong()).as("numbered one up each").isEqualTo(first + i);
        }
        // what the test handed, without its probe of the mailbox
        List<String> handed = new ArrayList<>();
        List<Boolean> straight = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonNode frame = all.get(i);
            String what = frame.path("t").asText().equals("GUILD_DELETE") ? "GUILD_DELETE"
                    : frame.at("/d/content").asText();
            if (!what.startsWith("probe-")) {
                handed.add(what);
                straight.add(connection.straight.get(before + i));
            }
        }
        List<String> expected = new ArrayList<>();
        java.util.stream.IntStream.range(0, 100).forEach(i -> expected.add("a-" + i));
        expected.add("GUILD_DELETE");
        java.util.stream.IntStream.range(0, 100).forEach(i -> expected.add("b-" + i));
        java.util.stream.IntStream.range(0, 100).forEach(i -> expected.add("c-" + i));
        assertThat(handed).as("in the order handed out, each once").containsExactlyElementsOf(expected);
        assertThat(straight.subList(0, 100)).as("before the actor's message: straight out").containsOnly(true);
        assertThat(straight.subList(100, 201)).as("the actor's message and what waited behind it: the actor")
                .containsOnly(false);
        assertThat(straight.subList(201, 301)).as("the mailbox empty again: straight out").containsOnly(true);
        connection.loop.shutdown();
    }

    /**
     * While a hand-out waits for a busy loop, what it carries counts into the node's client bytes, once per
     * recipient as a mailbox would count it, so the node-wide bound sees a backlog that sits in no mailbox; once
     * written, it leaves that account.
     */
    @Test
    void aHandOutWaitingForItsLoopCountsIntoTheNodesClientBytes() throws Exception {
        OnLoop session = sessionOnLoop("dee", "test-loop-4");
        LoopConnection connection = session.connection();
        long[] recipient = session.recipient();
        ClientBytes bytes = node.metrics().clientBytes();

        CountDownLatch release = connection.hold();
        long waitingBefore = bytes.held(ClientBytes.Kind.MAILBOXES);
        byte[] body = new byte[1_000];
        java.util.Arrays.fill(body, (byte) 'x');
        Delivery.Dispatch dispatch = new Delivery.Dispatch("MESSAGE_CREATE",
                ("{\"content\":\"" + new String(body, StandardCharsets.US_ASCII) + "\"}").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 200; i++) {
            Handout.handOut(node.sessions().directory(), recipient, dispatch);
        }
        long waiting = bytes.held(ClientBytes.Kind.MAILBOXES) - waitingBefore;
        release.countDown();

        assertThat(waiting).as("200 waiting deliveries counted").isGreaterThanOrEqualTo(
                200 * ClientBytesMailbox.sizeOf(dispatch));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .filter(d -> d.at("/d/content").asText().startsWith("xxx")).count() == 200);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> bytes.held(ClientBytes.Kind.MAILBOXES) <= waitingBefore);
        connection.loop.shutdown();
    }

    /** A session on a loop of its own, its guild, and the number the relay hands it messages by. */
    private record OnLoop(LoopConnection connection, SessionPort port, long guild, long[] recipient) {}

    /**
     * A new user {@code name} in a guild of their own, identified on a connection with a loop named {@code loop};
     * returns once its guild is there and a dispatch goes straight out (nothing of the session's is waiting).
     */
    private static OnLoop sessionOnLoop(String name, String loop) throws Exception {
        long user = data.createUser(name);
        long guild = data.createGuild(name + "'s guild", user);
        data.addMember(guild, user);
        LoopConnection connection = new LoopConnection(loop);
        SessionPort port = identified(connection, user, guild);
        return new OnLoop(connection, port, guild, new long[] {numberOf(port)});
    }

    /** Identifies {@code user} on {@code connection}, waits for its guild, and until a dispatch goes straight out. */
    private static SessionPort identified(LoopConnection connection, long user, long guild) throws Exception {
        node.sessions().identify(connection, identify(data.tokenFor(user)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> createdIn(connection.dispatches(), guild) >= 0);
        String sessionId = connection.dispatches().get(0).at("/d/session_id").asText();
        ActorRef<SessionProtocol.Command> session = node.sessions().directory().bySessionId(sessionId);
        SessionDirectory directory = node.sessions().directory();
        SessionPort port = null;
        for (long number : directory.numbers()) {
            SessionPort candidate = directory.port(number);
            if (candidate != null && candidate.session().equals(session)) {
                port = candidate;
            }
        }
        assertThat(port).as("the session's port").isNotNull();
        assertThat(port.loop()).as("the session runs on its socket's loop").isSameAs(connection.loop);
        SessionPort found = port;
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> nothingWaiting(found, connection));
        return port;
    }

    /** Hands the session a probe dispatch and waits for it: true when it went straight out (nothing was waiting). */
    private static boolean nothingWaiting(SessionPort port, LoopConnection connection) {
        int before = connection.frames.size();
        String probe = "probe-" + System.nanoTime();
        Handout.handOut(node.sessions().directory(), new long[] {numberOf(port)}, new Delivery.Dispatch(
                "MESSAGE_CREATE", ("{\"content\":\"" + probe + "\"}").getBytes(StandardCharsets.UTF_8)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connection.frames.size() > before
                && connection.frames.get(connection.frames.size() - 1).at("/d/content").asText().equals(probe));
        return connection.straight.get(connection.straight.size() - 1);
    }

    private static long numberOf(SessionPort port) {
        SessionDirectory directory = node.sessions().directory();
        for (long number : directory.numbers()) {
            if (directory.port(number) == port) {
                return number;
            }
        }
        throw new AssertionError("the session has ended");
    }

    private static void handOut(long[] recipients, String content) {
        Handout.handOut(node.sessions().directory(), recipients, new Delivery.Dispatch("MESSAGE_CREATE",
                ("{\"content\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8)));
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
