package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Sessions on a real node (one-node cluster, sharded guilds and users, Ready on a real H2 store), driven through a
 * {@link Connection} of the test's own that keeps what the session sends and can be made to fail, as a socket's
 * write may.
 */
class SessionTest {
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

    /** Ada's session, identified on a socket of the test's own, with the GUILD_CREATE of her one guild received. */
    private static Member identifiedInAGuild() throws Exception {
        long ada = data.createUser("ada");
        long guild = data.createGuild("HQ", ada);
        data.addMember(guild, ada);
        TestConnection connection = new TestConnection();
        ActorRef<SessionProtocol.Command> session = node.sessions().identify(connection, identify(data.tokenFor(ada)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .anyMatch(d -> d.path("t").asText().equals("GUILD_CREATE")));
        return new Member(guild, connection, session);
    }

    private record Member(long guild, TestConnection connection, ActorRef<SessionProtocol.Command> session) {}

    /** Publishes a MESSAGE_CREATE with {@code content} to the member's guild and waits until the member has it. */
    private static void publishAndAwait(Member member, String content) {
        node.ingress().publishToGuild(member.guild(), "MESSAGE_CREATE",
                ("{\"content\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8), null)
                .toCompletableFuture().join();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> member.connection().dispatches().stream()
                .anyMatch(d -> d.at("/d/content").asText().equals(content)));
    }

    /** A socket as a session sees it: keeps frames and closes; its send fails once told to. */
    static final class TestConnection implements Connection {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        volatile CloseCode closedWith;
        volatile String closeReason;
        volatile ActorRef<SessionProtocol.Command> session;
        final AtomicBoolean failSends = new AtomicBoolean();

        @Override
        public void send(EncodedFrame frame) {
            if (failSends.get()) {
                throw new IllegalStateException("the socket's write failed (injected)");
            }
            frames.add(Json.readOrMissing(frame.toBytes()));
        }

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        @Override
        public void attach(ActorRef<SessionProtocol.Command> session) {
            this.session = session;
        }

        @Override
        public void close(CloseCode code, String reason) {
            if (closedWith == null) {
                closeReason = reason;
                closedWith = code;
            }
        }

        List<JsonNode> dispatches() {
            return frames.stream().filter(f -> f.path("op").asInt() == 0).toList();
        }
    }

    private static ClientPayload.Identify identify(String token) throws Exception {
        return (ClientPayload.Identify) ClientPayloadDecoder.decode(("{\"op\":2,\"d\":{\"token\":\"" + token
                + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"test\",\"device\":\"test\"},\"intents\":"
                + ((1 << 0) | (1 << 1) | (1 << 8) | (1 << 9) | (1 << 15)) + "}}").getBytes(StandardCharsets.UTF_8));
    }

    private static ClientPayload payload(String json) throws Exception {
        return ClientPayloadDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void framesSentBeforeReadyWaitForItAndRunWithTheSessionsIntents() throws Exception {
        long ada = data.createUser("ada");
        long guild = data.createGuild("HQ", ada);
        data.addMember(guild, ada);
        TestConnection connection = new TestConnection();
        ActorRef<SessionProtocol.Command> session = node.sessions().identify(connection, identify(data.tokenFor(ada)));
        // the socket hands the session its next frames at once, before Ready has answered
        session.tell(new SessionProtocol.FromClient(connection, payload(
                "{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"query\":\"\",\"limit\":0,\"nonce\":\"early\"}}")));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .anyMatch(d -> d.path("t").asText().equals("GUILD_MEMBERS_CHUNK")));
        List<JsonNode> dispatches = connection.dispatches();
        assertThat(dispatches.get(0).path("t").asText()).isEqualTo("READY");
        assertThat(dispatches.get(0).path("s").asLong()).isEqualTo(1);
        JsonNode chunk = dispatches.stream().filter(d -> d.path("t").asText().equals("GUILD_MEMBERS_CHUNK"))
                .findFirst().orElseThrow();
        assertThat(chunk.path("s").asLong()).isGreaterThan(1);
        assertThat(chunk.at("/d/members")).hasSize(1);
        assertThat(chunk.at("/d/nonce").asText()).isEqualTo("early");
        assertThat(connection.closedWith).isNull();
    }

    /** A gap on its guild's link (something lost between nodes): the client hears the guild was unavailable, then gets
     *  it whole again, never a silent hole. */
    @Test
    void aGapFromItsGuildMakesTheClientGetTheGuildWholeAgain() throws Exception {
        Member ada = identifiedInAGuild();
        long guild = ada.guild();
        TestConnection connection = ada.connection();
        ActorRef<SessionProtocol.Command> session = ada.session();

        session.tell(new Delivery.SourceGap(true, guild));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.dispatches().stream()
                .filter(d -> d.path("t").asText().equals("GUILD_CREATE")).count() == 2);
        List<String> events = connection.dispatches().stream().map(d -> d.path("t").asText()).toList();
        assertThat(events).containsSubsequence("GUILD_CREATE", "GUILD_DELETE", "GUILD_CREATE");
        JsonNode deleted = connection.dispatches().stream().filter(d -> d.path("t").asText().equals("GUILD_DELETE"))
                .findFirst().orElseThrow();
        assertThat(deleted.at("/d/unavailable").asBoolean()).isTrue();
        publishAndAwait(ada, "after");
        assertThat(connection.dispatches().stream().filter(d -> d.at("/d/content").asText().equals("after")))
                .hasSize(1);
    }

    /** The answer to a subscription sent twice carries the guild whole again: a client that has it does not get it
     *  twice. */
    @Test
    void aGuildSentAgainToAClientThatHasItIsNotDispatchedTwice() throws Exception {
        Member ada = identifiedInAGuild();
        long guild = ada.guild();
        TestConnection connection = ada.connection();
        ActorRef<SessionProtocol.Command> session = ada.session();

        session.tell(new Delivery.GuildAvailable(guild, 0, "{\"id\":\"again\"}".getBytes(StandardCharsets.UTF_8),
                false));
        publishAndAwait(ada, "after");
        assertThat(connection.dispatches().stream().filter(d -> d.path("t").asText().equals("GUILD_CREATE")))
                .hasSize(1);
    }

    @Test
    void aSessionThatFailsClosesItsSocketSoTheClientIsNotLeftDeaf() throws Exception {
        Member ada = identifiedInAGuild();
        long guild = ada.guild();
        TestConnection connection = ada.connection();
        ActorRef<SessionProtocol.Command> session = ada.session();
        String sessionId = connection.dispatches().get(0).at("/d/session_id").asText();

        connection.failSends.set(true);
        node.ingress().publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                null).toCompletableFuture().join();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> connection.closedWith != null);
        assertThat(connection.closedWith).as("told to identify anew: the session is gone")
                .isEqualTo(CloseCode.SESSION_TIMED_OUT);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> node.sessions().directory().bySessionId(sessionId) == null);
        assertThat(session).isNotNull();
    }
}
