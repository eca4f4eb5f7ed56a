package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GatewayContract is what a client and the API can rely on, end to end: real sockets on loopback, real gRPC, a real
 * database. Each database runs it through its own subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayContract {
    TestGateway gw;

    abstract Database openDatabase();

    /** Settings the subclass runs the contract with, beside the tests' defaults. */
    Map<String, Object> settings() {
        return Map.of();
    }

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(openDatabase(), settings());
    }

    @AfterAll
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private long guildWith(long... members) {
        long guild = gw.data.createGuild("guild", members[0]);
        for (long member : members) {
            gw.data.addMember(guild, member);
        }
        return guild;
    }

    @Test
    void identifyGivesReadyThenOneGuildCreatePerGuild() {
        long ada = gw.data.createUser("ada");
        long first = guildWith(ada);
        long second = guildWith(ada);
        try (GatewayClient client = gw.identified(ada)) {
            JsonNode ready = client.expectDispatch("READY");
            assertThat(ready.get("s").longValue()).isEqualTo(1);
            JsonNode d = ready.get("d");
            assertThat(d.get("v").intValue()).isEqualTo(10);
            assertThat(d.at("/user/id").asText()).isEqualTo(Long.toString(ada));
            assertThat(d.at("/user/username").asText()).isEqualTo("ada");
            assertThat(ready.toString()).doesNotContain("password");
            assertThat(d.get("session_id").asText()).hasSize(32);
            assertThat(d.get("resume_gateway_url").asText()).startsWith("ws://");
            assertThat(d.at("/application/id").asText()).isEqualTo(Long.toString(ada));
            Set<String> unavailable = new HashSet<>();
            d.get("guilds").forEach(g -> {
                assertThat(g.get("unavailable").booleanValue()).isTrue();
                unavailable.add(g.get("id").asText());
            });
            assertThat(unavailable).containsExactlyInAnyOrder(Long.toString(first), Long.toString(second));

            Set<String> created = new HashSet<>();
            for (int expectedSeq = 2; expectedSeq <= 3; expectedSeq++) {
                JsonNode guildCreate = client.expectDispatch("GUILD_CREATE");
                assertThat(guildCreate.get("s").longValue()).isEqualTo(expectedSeq);
                JsonNode g = guildCreate.get("d");
                created.add(g.get("id").asText());
                assertThat(g.get("name").asText()).isEqualTo("guild");
                assertThat(g.get("owner_id").asText()).isEqualTo(Long.toString(ada));
                assertThat(g.get("unavailable").booleanValue()).isFalse();
                assertThat(g.get("member_count").intValue()).isEqualTo(1);
                assertThat(g.get("large").booleanValue()).isFalse();
                assertThat(g.get("joined_at").isTextual()).isTrue();
                assertThat(g.get("roles").findValuesAsText("id")).contains(g.get("id").asText());
                assertThat(g.get("channels").findValuesAsText("name")).contains("general");
                assertThat(g.get("channels").get(0).get("guild_id").asText()).isEqualTo(g.get("id").asText());
                assertThat(g.get("members").get(0).at("/user/id").asText()).isEqualTo(Long.toString(ada));
                assertThat(g.get("presences").get(0).at("/user/id").asText()).isEqualTo(Long.toString(ada));
                assertThat(g.get("presences").get(0).get("status").asText()).isEqualTo("online");
                for (String field : new String[] {"icon", "emojis", "stickers", "features"}) {
                    assertThat(g.has(field)).as(field).isTrue();
                }
            }
            assertThat(created).isEqualTo(unavailable);
        }
    }

    @Test
    void aTokenSentWithTheBotSchemeIdentifies() {
        // Eris and Oceanic.js identify with "Bot TOKEN", as they authorize REST calls; Discord accepts it.
        long robot = gw.data.createBot("robot");
        try (GatewayClient client = GatewayClient.identified(gw.port(), "Bot " + gw.data.tokenFor(robot), 1)) {
            assertThat(client.expectDispatch("READY").at("/d/user/id").asText()).isEqualTo(Long.toString(robot));
        }
    }

    @Test
    void guildPublishReachesEveryMemberAndNoOutsider() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        long eve = gw.data.createUser("eve");
        long guild = guildWith(ada, bob);
        guildWith(eve);
        try (GatewayClient a = gw.online(ada, 1); GatewayClient b = gw.online(bob, 1);
             GatewayClient e = gw.online(eve, 1)) {
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"hi\",\"id\":\"1\"}");
            assertThat(a.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("hi");
            assertThat(b.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("hi");
            gw.ingress.publishToUser(eve, "USER_UPDATE", "{\"marker\":true}");
            assertThat(e.expectDispatch("USER_UPDATE").at("/d/marker").booleanValue()).isTrue();
        }
    }

    @Test
    void thousandEventsArriveInPublishOrderWithConsecutiveSequence() {
        long ada = gw.data.createUser("ada");
        long guild = guildWith(ada);
        try (GatewayClient a = gw.online(ada, 1)) {
            for (int n = 0; n < 1000; n++) {
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
            }
            for (int n = 0; n < 1000; n++) {
                JsonNode event = a.expectDispatch("MESSAGE_CREATE");
                assertThat(event.at("/d/n").intValue()).isEqualTo(n);
                assertThat(event.get("s").longValue()).isEqualTo(3 + n);
            }
        }
    }

    @Test
    void userPublishReachesEverySessionOfThatUserAndNobodyElse() {
        long ada = gw.data.createUser("ada");
        long bob = gw.data.createUser("bob");
        guildWith(ada);
        guildWith(bob);
        try (GatewayClient phone = gw.online(ada, 1); GatewayClient desktop = gw.online(ada, 1);
             GatewayClient b = gw.online(bob, 1)) {
            assertThat(gw.ingress.publishToUser(ada, "USER_UPDATE", "{\"username\":\"ada2\"}")).isEqualTo("Success");
            assertThat(phone.awaitDispatch("USER_UPDATE").at("/d/username").asText()).isEqualTo("ada2");
            assertThat(desktop.awaitDispatch("USER_UPDATE").at("/d/username").asText()).isEqualTo("ada2");
            gw.ingress.publishToUser(bob, "MARKER", "{}");
            b.expectDispatch("MARKER");
        }
    }

    @Test
    void publishingToAGuildWithNobodyOnlineSucceeds() {
        long ada = gw.data.createUser("ada");
        long guild = guildWith(ada);
        assertThat(gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{}")).isEqualTo("Success");
        assertThat(gw.ingress.publishToGuild(424242, "MESSAGE_CREATE", "{}")).isEqualTo("Success");
    }

    @Test
    void guildInfoCountsOnlineMembersAndSaysWhetherTheGuildIsLive() {
        long ada = gw.data.createUser("ada");
        long guild = guildWith(ada, gw.data.createUser("bob"));
        EventIngress.GuildInfo before = gw.ingress.guildInfo(guild);
        assertThat(before.presences()).isZero();
        assertThat(before.available()).isFalse();
        try (GatewayClient a = gw.online(ada, 1); GatewayClient again = gw.online(ada, 1)) {
            EventIngress.GuildInfo live = gw.ingress.guildInfo(guild);
            assertThat(live.presences()).isEqualTo(1);
            assertThat(live.available()).isTrue();
        }
    }

    @Test
    void heartbeatIsAcknowledged() {
        long ada = gw.data.createUser("ada");
        try (GatewayClient client = GatewayClient.connect(gw.port())) {
            assertThat(client.expectOp(10).at("/d/heartbeat_interval").intValue()).isEqualTo(41250);
            client.send("{\"op\":1,\"d\":null}");
            client.expectOp(11);
            client.identify(gw.data.tokenFor(ada), null);
            client.expectDispatch("READY");
            client.send("{\"op\":1,\"d\":1}");
            client.expectOp(11);
        }
    }

    /** A bad input, sent on a fresh connection; returns the close the gateway answered with. */
    interface BadInput {
        GatewayClient.Close provoke(TestGateway gw, String token);
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("not JSON", 4002, onHello(c -> c.send("hello?"))),
                Arguments.of("wrong shape", 4002, onHello(c -> c.send("{\"op\":2,\"d\":[]}"))),
                Arguments.of("over 4096 bytes", 4002, onHello(c -> c.send("{\"op\":1,\"d\":null,\"x\":\""
                        + "x".repeat(5000) + "\"}"))),
                Arguments.of("binary frame", 4002, onHello(c -> c.sendBinary(new byte[] {1, 2, 3}))),
                Arguments.of("unknown op", 4001, onHello(c -> c.send("{\"op\":42,\"d\":null}"))),
                Arguments.of("presence before identify", 4003, onHello(c -> c.send(
                        "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"idle\",\"afk\":false}}"))),
                Arguments.of("second identify", 4005, (BadInput) (gw, token) -> {
                    try (GatewayClient c = GatewayClient.identified(gw.port(), token)) {
                        c.expectDispatch("READY");
                        c.identify(token, null);
                        return c.awaitClose();
                    }
                }),
                Arguments.of("forged token", 4004, onHello(c -> c.identify("MTIz.AAAA.forged", null))),
                Arguments.of("version 9", 4012, onConnect("/?v=9&encoding=json")),
                Arguments.of("etf encoding", 4012, onConnect("/?v=10&encoding=etf")));
    }

    private static BadInput onHello(java.util.function.Consumer<GatewayClient> action) {
        return (gw, token) -> {
            try (GatewayClient c = GatewayClient.connect(gw.port())) {
                c.expectOp(10);
                action.accept(c);
                return c.awaitClose();
            }
        };
    }

    private static BadInput onConnect(String pathAndQuery) {
        return (gw, token) -> {
            try (GatewayClient c = GatewayClient.connect(gw.port(), pathAndQuery)) {
                return c.awaitClose();
            }
        };
    }

    @ParameterizedTest(name = "{0} closes with {1}")
    @MethodSource("badInputs")
    void badInputClosesWithItsCodeWhileOthersKeepReceiving(String name, int code, BadInput input) {
        long ada = gw.data.createUser("ada");
        long bystander = gw.data.createUser("bystander");
        long guild = guildWith(bystander);
        guildWith(ada);
        try (GatewayClient watching = gw.online(bystander, 1)) {
            GatewayClient.Close close = input.provoke(gw, gw.data.tokenFor(ada));
            assertThat(close.code()).as(name + ": " + close.reason()).isEqualTo(code);
            assertThat(close.reason()).isNotBlank();
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"after\":\"" + name + "\"}");
            assertThat(watching.awaitDispatch("MESSAGE_CREATE").at("/d/after").asText()).isEqualTo(name);
        }
    }

    @Test
    void encodingRefusalSaysOnlyJsonIsServed() {
        try (GatewayClient c = GatewayClient.connect(gw.port(), "/?v=10&encoding=etf")) {
            assertThat(c.awaitClose().reason()).contains("only encoding=json");
        }
    }

    @Test
    void suspendedUsersAndChangedPasswordsFailAuthentication() {
        long ada = gw.data.createUser("ada");
        String oldToken = gw.data.tokenFor(ada);
        gw.data.changePassword(ada);
        try (GatewayClient c = GatewayClient.identified(gw.port(), oldToken)) {
            GatewayClient.Close close = c.awaitClose();
            assertThat(close.code()).as(close.reason()).isEqualTo(4004);
        }
        gw.data.suspend(ada);
        try (GatewayClient c = GatewayClient.identified(gw.port(), gw.data.tokenFor(ada))) {
            GatewayClient.Close close = c.awaitClose();
            assertThat(close.code()).as(close.reason()).isEqualTo(4004);
        }
    }

    @Test
    void badGrpcInputIsInvalidArgument() {
        io.grpc.StatusRuntimeException error = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class,
                () -> gw.ingress.publishToGuild(1, "MESSAGE_CREATE", "{not json"));
        assertThat(error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).contains("data");
    }


    /**
     * An API that never got its answer (a timeout: the outcome is unknown) retries with the same idempotency key; the
     * event is delivered once, and both calls answer Success.
     */
    @Test
    void aPublishRetriedWithItsIdempotencyKeyIsDeliveredOnce() {
        long ada = gw.data.createUser("ada");
        long guild = guildWith(ada);
        try (GatewayClient client = gw.online(ada, 1)) {
            assertThat(gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"once\"}", "k-1"))
                    .isEqualTo("Success");
            assertThat(gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"once\"}", "k-1"))
                    .isEqualTo("Success");
            gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"content\":\"then\"}", "k-2");
            assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("once");
            assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("then");
            gw.ingress.publishToUser(ada, "USER_UPDATE", "{\"n\":1}", "u-1");
            gw.ingress.publishToUser(ada, "USER_UPDATE", "{\"n\":1}", "u-1");
            gw.ingress.publishToUser(ada, "MARKER", "{}");
            client.expectDispatch("USER_UPDATE");
            client.expectDispatch("MARKER");
        }
    }

    /**
     * The ingress takes no event the gateway could not read back: a MESSAGE_CREATE nested deeper than the gateway's
     * one limit is refused (before, it was taken and reached bots without MESSAGE_CONTENT as d: null).
     */
    @Test
    void anEventNestedDeeperThanTheGatewayReadsIsRefused() {
        long ada = gw.data.createUser("ada");
        long guild = guildWith(ada);
        String deep = "{\"content\":\"x\",\"embeds\":" + "[".repeat(100) + "]".repeat(100) + "}";
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", deep))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, refused -> {
                    assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                    assertThat(refused.getStatus().getDescription()).contains("nesting depth");
                });
    }
}
