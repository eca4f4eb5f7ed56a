package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.Snowflakes;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every event the gateway builds itself, captured from a real gateway over real sockets, against a JSON Schema of
 * Discord's documented objects (src/test/resources/discord/gateway-dispatch.schema.json: the fields Discord always
 * sends, with their types). A field missing from READY, GUILD_CREATE (and its guild, roles, channels, members,
 * presences), PRESENCE_UPDATE, GUILD_MEMBERS_CHUNK, GUILD_DELETE or RESUMED fails here before a strict client
 * library finds it; so do the objects the gateway keeps from what the API published (a role, a channel, a member
 * update, a joining member) when a later GUILD_CREATE shows them, and the content-stripped MESSAGE_CREATE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscordSchemaTest {
    private TestGateway gw;
    private Schema schema;
    private Set<String> schemaEvents;
    private final List<JsonNode> captured = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.websocket.heartbeat-interval", "500ms",
                "derailed.websocket.heartbeat-timeout", "3s"));
        try (InputStream in = getClass().getResourceAsStream("/discord/gateway-dispatch.schema.json")) {
            JsonNode document = Json.MAPPER.readTree(in);
            schemaEvents = new TreeSet<>();
            document.path("x-events").fieldNames().forEachRemaining(schemaEvents::add);
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(document.toString());
        }
    }

    @AfterAll
    void stop() {
        gw.close();
    }

    private JsonNode capture(JsonNode frame) {
        captured.add(frame);
        return frame;
    }

    @Test
    void everyEventTheGatewayBuildsCarriesEveryFieldDiscordAlwaysSends() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long carl = gw.data.createUser("carl");
        long robot = gw.data.createBot("robot");
        long guild = gw.data.createGuild("HQ", ada);
        long mods = gw.data.createRole(guild, "mods");
        gw.data.update("INSERT INTO channels (id, guild_id, type, name, position) VALUES (?, ?, 2, 'voice', 1)",
                Snowflakes.next(), guild);
        gw.data.addMember(guild, ada, "boss");
        gw.data.addMember(guild, bob);
        gw.data.addMember(guild, robot);
        gw.data.giveRole(guild, ada, mods);

        // READY and GUILD_CREATE; then bob comes online with an activity: PRESENCE_UPDATE (type 0, as clients set it)
        GatewayClient a = GatewayClient.connect(gw.port()).heartbeatEvery(Duration.ofMillis(400));
        a.expectOp(10);
        a.identify(gw.data.tokenFor(ada), null);
        String sessionId = capture(a.expectDispatch("READY")).at("/d/session_id").asText();
        capture(a.awaitDispatch("GUILD_CREATE"));
        try (GatewayClient b = GatewayClient.connect(gw.port());
             GatewayClient bot = GatewayClient.identified(gw.port(), gw.data.tokenFor(robot),
                     Intents.GUILDS | Intents.GUILD_MESSAGES)) {
            b.expectOp(10);
            b.send("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(bob) + "\",\"properties\":{\"os\":\"ios\","
                    + "\"browser\":\"x\",\"device\":\"x\"},\"presence\":{\"since\":null,\"status\":\"dnd\","
                    + "\"afk\":false,\"activities\":[{\"name\":\"chess\",\"type\":0}]}}}");
            capture(b.expectDispatch("READY"));
            capture(b.awaitDispatch("GUILD_CREATE"));
            capture(a.awaitDispatch("PRESENCE_UPDATE"));
            capture(bot.expectDispatch("READY"));
            capture(bot.awaitDispatch("GUILD_CREATE"));

            // op 8: every member with presences, and by id with one that is not a member
            a.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"query\":\"\",\"limit\":0,\"presences\":true,"
                    + "\"nonce\":\"all\"}}");
            capture(a.awaitDispatch("GUILD_MEMBERS_CHUNK"));
            a.send("{\"op\":8,\"d\":{\"guild_id\":\"" + guild + "\",\"user_ids\":[\"" + bob + "\",\"42\"]}}");
            JsonNode byId = capture(a.awaitDispatch("GUILD_MEMBERS_CHUNK"));
            assertThat(byId.at("/d/not_found/0").asText()).isEqualTo("42");

            // What the API publishes with fewer fields than Discord's objects: the guild keeps them completed.
            String roleId = Long.toString(Snowflakes.next());
            String channelId = Long.toString(Snowflakes.next());
            gw.ingress.publishToGuild(guild, "GUILD_ROLE_CREATE", "{\"guild_id\":\"" + guild + "\",\"role\":{\"id\":\""
                    + roleId + "\",\"name\":\"new\",\"color\":255,\"permissions\":\"0\",\"position\":2}}");
            gw.ingress.publishToGuild(guild, "GUILD_ROLE_UPDATE", "{\"guild_id\":\"" + guild + "\",\"role\":{\"id\":\""
                    + roleId + "\",\"color\":65280}}");
            gw.ingress.publishToGuild(guild, "CHANNEL_CREATE", "{\"id\":\"" + channelId + "\",\"type\":0,\"guild_id\":\""
                    + guild + "\",\"name\":\"news\",\"position\":3}");
            gw.ingress.publishToGuild(guild, "GUILD_MEMBER_UPDATE", "{\"guild_id\":\"" + guild + "\",\"roles\":[\""
                    + roleId + "\"],\"nick\":\"b\",\"user\":{\"id\":\"" + bob + "\",\"username\":\"bob\","
                    + "\"discriminator\":\"0\",\"global_name\":null,\"avatar\":null}}");
            a.awaitDispatch("GUILD_MEMBER_UPDATE");
            // a message from bob: the bot (no MESSAGE_CONTENT) gets the copy the gateway strips
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", message(guild, bob));
            capture(a.awaitDispatch("MESSAGE_CREATE"));
            JsonNode stripped = capture(bot.awaitDispatch("MESSAGE_CREATE"));
            assertThat(stripped.at("/d/content").asText()).isEmpty();

            // a second session of ada sees them in its GUILD_CREATE: the role, the channel, bob's merged member
            try (GatewayClient again = gw.online(ada, 0)) {
                JsonNode guildCreate = capture(again.awaitDispatch("GUILD_CREATE"));
                JsonNode role = null;
                for (JsonNode r : guildCreate.at("/d/roles")) {
                    role = r.path("id").asText().equals(roleId) ? r : role;
                }
                assertThat(role).as("the published role").isNotNull();
                assertThat(role.at("/colors/primary_color").asInt()).as("colors follow an updated color").isEqualTo(65280);
                assertThat(guildCreate.at("/d/channels").findValuesAsText("id")).contains(channelId);
                JsonNode bobMember = memberOf(guildCreate, bob);
                assertThat(bobMember.path("nick").asText()).isEqualTo("b");
                assertThat(bobMember.has("deaf")).as("a member update keeps the member's other fields").isTrue();
            }

            // carl joins while online, announced with the member the API published: GUILD_CREATE carries it whole
            try (GatewayClient c = gw.online(carl, 0)) {
                gw.data.addMember(guild, carl);
                gw.ingress.publishToGuild(guild, "GUILD_MEMBER_ADD", "{\"guild_id\":\"" + guild + "\",\"roles\":[],"
                        + "\"joined_at\":\"" + Instant.now() + "\",\"user\":{\"id\":\"" + carl + "\",\"username\":"
                        + "\"carl\",\"discriminator\":\"0\",\"global_name\":null,\"avatar\":null}}");
                JsonNode joined = capture(c.awaitDispatch("GUILD_CREATE"));
                assertThat(memberOf(joined, carl).has("mute")).isTrue();
            }

            // GUILD_DELETE {id}: bob leaves
            gw.data.removeMember(guild, bob);
            gw.ingress.publishToGuild(guild, "GUILD_MEMBER_REMOVE", "{\"guild_id\":\"" + guild + "\",\"user\":{\"id\":\""
                    + bob + "\",\"username\":\"bob\",\"discriminator\":\"0\",\"global_name\":null,\"avatar\":null}}");
            assertThat(capture(b.awaitDispatch("GUILD_DELETE")).at("/d/unavailable").isMissingNode()).isTrue();
        }

        // RESUMED after a dropped connection, then GUILD_DELETE {id, unavailable: true} when the guild goes down
        long seq = a.lastSeq();
        a.drop();
        try (GatewayClient resumed = GatewayClient.connect(gw.port()).heartbeatEvery(Duration.ofMillis(400))) {
            resumed.expectOp(10);
            resumed.resume(gw.data.tokenFor(ada), sessionId, seq);
            capture(resumed.awaitDispatch("RESUMED"));
            gw.ingress.publishToGuild(guild, "GUILD_DELETE", "{\"id\":\"" + guild + "\",\"unavailable\":true}");
            assertThat(capture(resumed.awaitDispatch("GUILD_DELETE")).at("/d/unavailable").asBoolean()).isTrue();
        }

        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (JsonNode frame : captured) {
            List<Error> errors = schema.validate(frame);
            if (!errors.isEmpty()) {
                problems.computeIfAbsent(frame.path("t").asText() + " s=" + frame.path("s").asText(), k -> new ArrayList<>())
                        .addAll(errors.stream().map(Error::toString).toList());
            }
        }
        assertThat(problems).as("dispatches that do not match Discord's objects").isEmpty();
        Set<String> seen = new TreeSet<>();
        captured.forEach(frame -> seen.add(frame.path("t").asText()));
        assertThat(seen).as("every event the schema describes was captured and checked").containsAll(schemaEvents);
    }

    private static JsonNode memberOf(JsonNode guildCreate, long userId) {
        for (JsonNode member : guildCreate.at("/d/members")) {
            if (member.at("/user/id").asText().equals(Long.toString(userId))) {
                return member;
            }
        }
        throw new AssertionError("no member " + userId + " in " + guildCreate.at("/d/members"));
    }

    private static String message(long guild, long author) {
        return "{\"id\":\"" + Snowflakes.next() + "\",\"channel_id\":\"" + guild + "\",\"guild_id\":\"" + guild
                + "\",\"author\":{\"id\":\"" + author + "\",\"username\":\"bob\",\"discriminator\":\"0\","
                + "\"global_name\":null,\"avatar\":null},\"content\":\"hello\",\"timestamp\":\"" + Instant.now()
                + "\",\"edited_timestamp\":null,\"tts\":false,\"mention_everyone\":false,\"mentions\":[],"
                + "\"mention_roles\":[],\"attachments\":[],\"embeds\":[],\"pinned\":false,\"type\":0}";
    }
}
