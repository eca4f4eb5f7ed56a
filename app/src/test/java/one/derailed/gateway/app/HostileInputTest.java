package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad gateway payloads over real sockets, each with its defined answer: numbers out of range are refused, not
 * wrapped; text that is not UTF-8 is refused; op 8 follows Discord's rules and answers a whole member list a chunk
 * at a time; receivers without MESSAGE_CONTENT see no content, quoted messages' included. A bystander keeps
 * receiving throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final int GUILDS_ONLY = Intents.GUILDS | Intents.GUILD_MESSAGES;
    private TestGateway gw;
    private Bystander bystander;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of());
        bystander = new Bystander(gw);
    }

    @AfterAll
    void stop() {
        bystander.close();
        gw.close();
    }

    private GatewayClient.Close closeAfterIdentify(String extraFields) {
        String token = gw.data.tokenFor(gw.data.createUser("numbers"));
        try (GatewayClient client = GatewayClient.connect(gw.port())) {
            client.expectOp(10);
            client.send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\"}" + extraFields
                    + "}}");
            return client.awaitClose();
        }
    }

    @Test
    void numbersOutOfRangeAreRefusedNotWrapped() {
        assertThat(closeAfterIdentify(",\"shard\":[0,18446744073709551617]").code()).isEqualTo(4010);
        assertThat(closeAfterIdentify(",\"large_threshold\":4294967396").code()).isEqualTo(4002);
        assertThat(closeAfterIdentify(",\"intents\":18446744073709551617").code()).isEqualTo(4013);
        bystander.stillReceives();
    }

    @Test
    void textThatIsNotUtf8JsonIsRefusedWith4002() throws Exception {
        String identify = "{\"op\":2,\"d\":{\"token\":\"x\"}}";
        for (byte[] payload : List.of(identify.getBytes(StandardCharsets.UTF_16LE),
                identify.getBytes(StandardCharsets.UTF_16BE),
                ("\uFEFF" + identify).getBytes(StandardCharsets.UTF_8))) {
            try (RawGatewaySocket client = new RawGatewaySocket(gw.port())) {
                client.read();
                client.sendFrame(1, true, payload);
                assertThat(client.readUntilClose()).isEqualTo(4002);
            }
        }
        // Not UTF-8 at all: RFC 6455's own answer, from the codec, before the gateway reads it.
        try (RawGatewaySocket client = new RawGatewaySocket(gw.port())) {
            client.read();
            client.sendFrame(1, true, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertThat(client.readUntilClose()).isEqualTo(1007);
        }
        bystander.stillReceives();
    }

    /** A guild of {@code members} users plus its owner, who is online with {@code intents}. */
    private record Crowd(long guild, long owner, GatewayClient session) {}

    private Crowd crowd(String prefix, int members, Integer intents) {
        long owner = gw.data.createUser(prefix + "owner");
        long guild = gw.data.createGuild(prefix, owner);
        gw.data.addMember(guild, owner);
        for (int i = 0; i < members; i++) {
            gw.data.addMember(guild, gw.data.createUser(prefix + i));
        }
        GatewayClient session = GatewayClient.identified(gw.port(), gw.data.tokenFor(owner), intents);
        session.expectDispatch("READY");
        session.awaitDispatch("GUILD_CREATE");
        return new Crowd(guild, owner, session);
    }

    @Test
    void anEmptyQueryWithoutGuildMembersIsRefusedWhateverItsLimit() {
        Crowd crowd = crowd("secret", 20, GUILDS_ONLY);
        try (GatewayClient session = crowd.session()) {
            session.send("{\"op\":8,\"d\":{\"guild_id\":\"" + crowd.guild() + "\",\"query\":\"\","
                    + "\"limit\":2147483647}}");
            GatewayClient.Close close = session.awaitClose();
            assertThat(close.code()).isEqualTo(4013);
            assertThat(close.reason()).contains("GUILD_MEMBERS");
            assertThat(session.drainReceived()).noneMatch(frame -> "GUILD_MEMBERS_CHUNK".equals(frame.path("t").asText()));
        }
        bystander.stillReceives();
    }

    @Test
    void aQueryReturnsAtMostAHundredAndPresencesNeedTheirIntent() {
        Crowd crowd = crowd("al", 150, GUILDS_ONLY);
        try (GatewayClient session = crowd.session()) {
            session.send("{\"op\":8,\"d\":{\"guild_id\":\"" + crowd.guild() + "\",\"query\":\"al\",\"limit\":500,"
                    + "\"presences\":true,\"nonce\":\"q\"}}");
            JsonNode chunk = session.awaitDispatch("GUILD_MEMBERS_CHUNK").get("d");
            assertThat(chunk.get("members").size()).isEqualTo(100);
            assertThat(chunk.get("chunk_count").intValue()).isEqualTo(1);
            assertThat(chunk.has("presences")).as("presences without GUILD_PRESENCES are as if false").isFalse();
            assertThat(chunk.get("nonce").asText()).isEqualTo("q");
        }
        bystander.stillReceives();
    }

    @Test
    void aWholeMemberListComesAChunkAtATimeAndAThirdRequestIsRateLimited() throws Exception {
        long owner = gw.data.createUser("bigowner");
        long guild = gw.data.createGuild("big", owner);
        gw.data.addMember(guild, owner);
        for (int i = 0; i < 2_500; i++) {
            gw.data.addMember(guild, gw.data.createUser("m" + i));
        }
        try (RawGatewaySocket session = new RawGatewaySocket(gw.port())) {
            session.read();
            session.send("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(owner) + "\",\"intents\":"
                    + (GUILDS_ONLY | Intents.GUILD_MEMBERS) + "}}");
            assertThat(session.read().path("t").asText()).isEqualTo("READY");
            assertThat(session.read().path("t").asText()).isEqualTo("GUILD_CREATE");
            ByteArrayOutputStream three = new ByteArrayOutputStream();
            for (String nonce : new String[] {"a", "b", "c"}) {
                three.writeBytes(RawGatewaySocket.frame(1, ("{\"op\":8,\"d\":{\"guild_id\":\"" + guild
                        + "\",\"query\":\"\",\"limit\":0,\"nonce\":\"" + nonce + "\"}}")
                        .getBytes(StandardCharsets.UTF_8)));
            }
            session.sendRaw(three.toByteArray());
            List<JsonNode> chunksA = new ArrayList<>();
            List<JsonNode> chunksB = new ArrayList<>();
            JsonNode limited = null;
            while (chunksA.size() < 3 || chunksB.size() < 3 || limited == null) {
                JsonNode frame = session.read();
                switch (frame.path("t").asText()) {
                    case "GUILD_MEMBERS_CHUNK" -> (frame.at("/d/nonce").asText().equals("a") ? chunksA : chunksB)
                            .add(frame.get("d"));
                    case "RATE_LIMITED" -> limited = frame.get("d");
                    default -> { }
                }
            }
            for (List<JsonNode> chunks : List.of(chunksA, chunksB)) {
                assertThat(chunks).extracting(chunk -> chunk.get("chunk_index").intValue()).containsExactly(0, 1, 2);
                assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.get("chunk_count").intValue()).isEqualTo(3));
                assertThat(chunks.stream().mapToInt(chunk -> chunk.get("members").size()).sum()).isEqualTo(2_501);
                assertThat(chunks.get(0).get("members").size()).isEqualTo(1000);
            }
            assertThat(limited.get("opcode").intValue()).isEqualTo(8);
            assertThat(limited.get("retry_after").doubleValue()).isPositive();
            assertThat(limited.at("/meta/guild_id").asText()).isEqualTo(Long.toString(guild));
            assertThat(limited.at("/meta/nonce").asText()).isEqualTo("c");
        }
        bystander.stillReceives();
    }

    @Test
    void withoutMessageContentNothingOfAMessageShowsQuotedOnesIncluded() {
        long author = gw.data.createUser("author");
        long bot = gw.data.createBot("nocontent");
        long quoted = gw.data.createUser("quoted");
        long guild = gw.data.createGuild("content", author);
        for (long member : new long[] {author, bot, quoted}) {
            gw.data.addMember(guild, member);
        }
        try (GatewayClient reader = GatewayClient.identified(gw.port(), gw.data.tokenFor(bot),
                Intents.GUILDS | Intents.GUILD_MESSAGES)) {
            reader.expectDispatch("READY");
            reader.awaitDispatch("GUILD_CREATE");
            // A reply that mentions the bot, to someone else's message: the quote must not leak through it.
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"hey bot\",\"author\":{\"id\":\""
                    + author + "\"},\"mentions\":[{\"id\":\"" + bot + "\"}],\"poll\":{\"question\":{\"text\":\"?\"}},"
                    + "\"referenced_message\":{\"content\":\"private words\",\"author\":{\"id\":\"" + quoted + "\"},"
                    + "\"embeds\":[{\"title\":\"secret\"}],\"attachments\":[],\"components\":[]},"
                    + "\"message_snapshots\":[{\"message\":{\"content\":\"forwarded words\",\"embeds\":[]}}]}");
            JsonNode d = reader.awaitDispatch("MESSAGE_CREATE").get("d");
            assertThat(d.get("content").asText()).isEmpty();
            assertThat(d.has("poll")).isFalse();
            assertThat(d.at("/referenced_message/content").asText()).isEmpty();
            assertThat(d.at("/referenced_message/embeds")).isEmpty();
            assertThat(d.at("/message_snapshots/0/message/content").asText()).isEmpty();
            assertThat(d.toString()).doesNotContain("private words", "forwarded words", "secret");

            // A reply to the bot's own message that mentions it: it may see both, so it gets them as sent.
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"thanks\",\"author\":{\"id\":\""
                    + author + "\"},\"mentions\":[{\"id\":\"" + bot + "\"}],\"referenced_message\":{\"content\":"
                    + "\"your answer\",\"author\":{\"id\":\"" + bot + "\"}}}");
            JsonNode reply = reader.awaitDispatch("MESSAGE_CREATE").get("d");
            assertThat(reply.get("content").asText()).isEqualTo("thanks");
            assertThat(reply.at("/referenced_message/content").asText()).isEqualTo("your answer");
        }
        bystander.stillReceives();
    }
}
