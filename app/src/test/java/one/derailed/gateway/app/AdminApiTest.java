package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.core.admin.ClusterAdmin;
import one.derailed.gateway.http.HttpLimits;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin API (docs/operations.md, "The admin API") on a two-node cluster: node A runs every role, node B only the
 * edge (websocket, sessions, ready, grpc), so a session on B, its user and its guilds on A. Everything is asked of A's
 * operator listener, so every answer about B crosses nodes. The drain runs last: it takes B out of the cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private Database database;
    private TestGateway a;
    private TestGateway b;
    private AdminHttp admin;
    private String nodeA;
    private String nodeB;
    private final List<GatewayClient> clients = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        database = TestDatabases.h2();
        a = TestGateway.start(database, Map.of("derailed.admin.sample-interval", "1s"));
        b = TestGateway.joining(a, database, Map.of("derailed.admin.sample-interval", "1s"));
        admin = new AdminHttp(a.gateway.operatorPort());
        nodeA = ClusterAdmin.nodeName(Cluster.get(a.gateway.node().system()).selfMember().address());
        nodeB = ClusterAdmin.nodeName(Cluster.get(b.gateway.node().system()).selfMember().address());
    }

    @AfterAll
    void stop() {
        clients.forEach(GatewayClient::close);
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private GatewayClient onB(long user, int guilds) {
        GatewayClient client = b.online(user, guilds);
        clients.add(client);
        return client;
    }

    private static JsonNode node(JsonNode cluster, String name) {
        for (JsonNode node : cluster.path("nodes")) {
            if (node.path("node").asText().equals(name)) {
                return node;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void theClusterShowsBothNodesWithTheirRolesFiguresAndASessionOnB() {
        long ada = a.data.createUser("ada");
        long guild = a.data.createGuild("the ada guild", ada);
        a.data.addMember(guild, ada);
        onB(ada, 1);

        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            AdminHttp.Answer cluster = admin.get("/admin/api/cluster");
            assertThat(cluster.status()).isEqualTo(200);
            assertThat(cluster.json().path("self").asText()).isEqualTo(nodeA);
            JsonNode onA = node(cluster.json(), nodeA);
            JsonNode onB = node(cluster.json(), nodeB);
            assertThat(onA).isNotNull();
            assertThat(onB).isNotNull();
            assertThat(onA.path("status").asText()).isEqualTo("Up");
            assertThat(onB.path("reachable").booleanValue()).isTrue();
            assertThat(onA.path("roles")).extracting(JsonNode::asText).contains("guilds", "users");
            assertThat(onB.path("roles")).extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder("websocket", "sessions", "ready", "grpc");
            assertThat(onB.at("/report/sessions").intValue()).isGreaterThanOrEqualTo(1);
            assertThat(onB.at("/report/sockets").intValue()).isGreaterThanOrEqualTo(1);
            assertThat(onB.at("/report/guilds").intValue()).isZero();
            assertThat(onA.at("/report/guilds").intValue()).isGreaterThanOrEqualTo(1);
            assertThat(onA.at("/report/users").intValue()).isGreaterThanOrEqualTo(1);
            assertThat(onB.at("/report/relay_lanes").intValue()).isPositive();
            assertThat(onB.at("/report/uptime_seconds").isIntegralNumber()).isTrue();
            assertThat(cluster.json().path("top_guilds")).anySatisfy(top -> {
                assertThat(top.path("id").asText()).isEqualTo(Long.toString(guild));
                assertThat(top.path("name").asText()).isEqualTo("the ada guild");
                assertThat(top.path("online").intValue()).isEqualTo(1);
                assertThat(top.path("node").asText()).isEqualTo(nodeA);
            });
        });
    }

    @Test
    @Order(2)
    void ratesShowPublishesAndDeliveriesOfTheLastSamplesSummedOverNodes() {
        long bob = a.data.createUser("bob");
        long guild = a.data.createGuild("rates", bob);
        a.data.addMember(guild, bob);
        GatewayClient client = onB(bob, 1);
        for (int n = 0; n < 20; n++) {
            b.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
        }
        for (int n = 0; n < 20; n++) {
            client.awaitDispatch("MESSAGE_CREATE");
        }
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            JsonNode cluster = admin.get("/admin/api/cluster").json();
            assertThat(cluster.path("sample_interval_ms").longValue()).isEqualTo(1000);
            long published = 0;
            long delivered = 0;
            for (JsonNode sample : cluster.path("samples")) {
                published += sample.path("published").longValue();
                delivered += sample.path("delivered").longValue();
            }
            assertThat(published).isGreaterThanOrEqualTo(20);
            assertThat(delivered).isGreaterThanOrEqualTo(20);
        });
    }

    @Test
    @Order(3)
    void aUserAndASessionAreFoundWhereTheyLive() {
        long cid = a.data.createUser("cid");
        long guild = a.data.createGuild("cid's", cid);
        a.data.addMember(guild, cid);
        GatewayClient client = onB(cid, 1);
        String sessionId = client.readySessionId();

        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            AdminHttp.Answer user = admin.get("/admin/api/user?id=" + cid);
            assertThat(user.status()).isEqualTo(200);
            assertThat(user.json().path("username").asText()).isEqualTo("cid");
            assertThat(user.json().path("session_count").intValue()).isEqualTo(1);
            JsonNode session = user.json().path("sessions").get(0);
            assertThat(session.path("session_id").asText()).isEqualTo(sessionId);
            assertThat(session.path("node").asText()).isEqualTo(nodeB);
            assertThat(session.path("connected").booleanValue()).isTrue();
            assertThat(session.path("status").asText()).isEqualTo("online");
            assertThat(session.path("guilds")).extracting(JsonNode::asText).containsExactly(Long.toString(guild));
        });

        AdminHttp.Answer found = admin.get("/admin/api/session?id=" + sessionId);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("user_id").asText()).isEqualTo(Long.toString(cid));
        assertThat(found.json().path("node").asText()).isEqualTo(nodeB);

        AdminHttp.Answer missing = admin.get("/admin/api/session?id=" + "0".repeat(32));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).contains("no node that answered has session");

        AdminHttp.Answer nobody = admin.get("/admin/api/user?id=42");
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(nobody.json().path("session_count").intValue()).isZero();
        assertThat(nobody.json().path("username").isNull()).isTrue();
    }

    @Test
    @Order(4)
    void aDisconnectClosesEverySocketOfTheUserWithTheChosenCodeAndReason() {
        long dee = a.data.createUser("dee");
        GatewayClient first = onB(dee, 0);
        GatewayClient second = onB(dee, 0);
        Awaitility.await().atMost(WAIT).until(() ->
                admin.get("/admin/api/user?id=" + dee).json().path("session_count").intValue() == 2);

        AdminHttp.Answer done = admin.post("/admin/api/disconnect",
                "{\"user_id\":\"" + dee + "\",\"code\":4009,\"reason\":\"maintenance\"}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("sessions").intValue()).isEqualTo(2);
        assertThat(done.json().path("nodes").get(0).path("node").asText()).isEqualTo(nodeB);

        for (GatewayClient client : List.of(first, second)) {
            GatewayClient.Close close = client.awaitClose();
            assertThat(close.code()).isEqualTo(4009);
            assertThat(close.reason()).isEqualTo("maintenance");
        }
        // 4009 does not let the client resume: the sessions ended
        Awaitility.await().atMost(WAIT).until(() ->
                admin.get("/admin/api/user?id=" + dee).json().path("session_count").intValue() == 0);
    }

    @Test
    @Order(5)
    void op7ToANodeReachesItsClientsAndTheyCanResume() {
        long eve = a.data.createUser("eve");
        GatewayClient client = onB(eve, 0);
        AdminHttp.Answer done = admin.post("/admin/api/reconnect", "{\"node\":\"" + nodeB + "\"}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("nodes").get(0).path("outcome").asText()).isEqualTo("op 7 sent");
        assertThat(done.json().path("sessions").intValue()).isGreaterThanOrEqualTo(1);
        client.expectOp(7);
        assertThat(client.awaitClose().code()).isEqualTo(4000);

        GatewayClient resumed = GatewayClient.connect(b.port());
        clients.add(resumed);
        resumed.expectOp(10);
        resumed.resume(a.data.tokenFor(eve), client.readySessionId(), client.lastSeq());
        resumed.expectDispatch("RESUMED");
    }

    @Test
    @Order(6)
    void aTestEventReachesTheGuildAndTheUser() {
        long fay = a.data.createUser("fay");
        long guild = a.data.createGuild("fay's", fay);
        a.data.addMember(guild, fay);
        GatewayClient client = onB(fay, 1);

        AdminHttp.Answer toGuild = admin.post("/admin/api/publish", "{\"target\":\"guild\",\"id\":\"" + guild
                + "\",\"event\":\"MESSAGE_CREATE\",\"data\":{\"content\":\"from the admin\"}}");
        assertThat(toGuild.status()).isEqualTo(200);
        assertThat(client.awaitDispatch("MESSAGE_CREATE").at("/d/content").asText()).isEqualTo("from the admin");

        AdminHttp.Answer toUser = admin.post("/admin/api/publish", "{\"target\":\"user\",\"id\":\"" + fay
                + "\",\"event\":\"USER_UPDATE\",\"data\":{\"n\":1}}");
        assertThat(toUser.status()).isEqualTo(200);
        assertThat(client.awaitDispatch("USER_UPDATE").at("/d/n").intValue()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void everyBadRequestGetsItsStatusAndMessage() {
        assertBad(admin.get("/admin/api/user"), 400, "id must be a decimal snowflake");
        assertBad(admin.get("/admin/api/user?id=abc"), 400, "id must be a decimal snowflake");
        assertBad(admin.get("/admin/api/user?id=99999999999999999999"), 400, "id must be a decimal snowflake");
        assertBad(admin.get("/admin/api/user?id=0"), 400, "in 1..");
        assertBad(admin.get("/admin/api/session?id=xyz"), 400, "32 lowercase hexadecimal digits");
        assertBad(admin.post("/admin/api/disconnect", "not json"), 400, "the body must be JSON");
        assertBad(admin.post("/admin/api/disconnect", "[1]"), 400, "the body must be a JSON object");
        assertBad(admin.post("/admin/api/disconnect", "{}"), 400, "user_id is required");
        assertBad(admin.post("/admin/api/disconnect", "{\"user_id\":\"1\",\"code\":4006}"), 400,
                "code must be one of the gateway's close codes");
        assertBad(admin.post("/admin/api/disconnect", "{\"user_id\":\"1\",\"code\":\"x\"}"), 400,
                "code must be a number");
        assertBad(admin.post("/admin/api/disconnect", "{\"user_id\":\"1\",\"reason\":\"" + "x".repeat(124)
                + "\"}"), 400, "at most 123 bytes");
        assertBad(admin.post("/admin/api/disconnect", "{\"user_id\":\"1\"}", Map.of()), 415,
                "Content-Type: application/json");
        assertBad(admin.post("/admin/api/reconnect", "{\"node\":\"10.9.9.9:1\"}"), 404, "no node 10.9.9.9:1");
        assertBad(admin.post("/admin/api/drain", "{\"node\":5}"), 400, "node must be");
        assertBad(admin.post("/admin/api/publish", "{\"target\":\"channel\"}"), 400, "target must be guild or user");
        assertBad(admin.post("/admin/api/publish", "{\"target\":\"guild\",\"id\":\"1\",\"event\":\"bad name\","
                + "\"data\":{}}"), 400, "event must be");
        assertBad(admin.post("/admin/api/publish", "{\"target\":\"guild\",\"id\":\"1\",\"event\":\"X\"}"), 400,
                "data is required");
        assertBad(admin.post("/admin/api/publish", "{\"target\":\"user\",\"id\":\"1\",\"event\":\"X\",\"data\":\""
                + "x".repeat(HttpLimits.MAX_BODY_BYTES) + "\"}"), 413, "");
        assertBad(admin.get("/admin/api/cluster", Map.of("Origin", "http://evil.example")), 403,
                "answers only the admin page of this listener");
        assertBad(admin.get("/admin/api/disconnect"), 405, "");
        assertBad(admin.get("/admin/api/nothing"), 404, "");

        assertThat(admin.get("/admin/api/cluster", Map.of("Origin", "http://127.0.0.1:"
                + a.gateway.operatorPort())).status()).isEqualTo(200);
        AdminHttp.Answer codes = admin.get("/admin/api/close-codes");
        assertThat(codes.status()).isEqualTo(200);
        assertThat(codes.json()).anySatisfy(code -> assertThat(code.path("code").intValue()).isEqualTo(4009));
    }

    @Test
    @Order(8)
    void thePageIsServedWithItsPolicyAndFindsItsScript() {
        AdminHttp.Answer page = admin.get("/admin");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/admin/admin.js\"").doesNotContain("http://", "https://");
        assertThat(admin.get("/admin/admin.js").body()).contains("/admin/api/");
        assertThat(admin.get("/admin/admin.css").status()).isEqualTo(200);
    }

    @Test
    @Order(100)
    void aDrainTakesNodeBOutOfTheClusterAndItsProgressShows() {
        long gus = a.data.createUser("gus");
        GatewayClient client = onB(gus, 0);
        AdminHttp.Answer done = admin.post("/admin/api/drain", "{\"node\":\"" + nodeB + "\"}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("nodes").get(0).path("outcome").asText()).isEqualTo("leaving");
        // the client is told to reconnect elsewhere, as a SIGTERM does
        client.expectOp(7);
        assertThat(client.awaitClose().code()).isEqualTo(4000);
        // B answers for itself while it leaves: its report says how far the leave is
        AdminHttp.Answer leaving = new AdminHttp(b.gateway.operatorPort()).get("/admin/api/cluster");
        assertThat(leaving.status()).as(leaving.body()).isEqualTo(200);
        JsonNode self = node(leaving.json(), nodeB);
        assertThat(self.at("/report/leaving/reason").asText()).isEqualTo("an operator's drain");
        assertThat(self.at("/report/leaving/step").asText()).isNotEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode cluster = admin.get("/admin/api/cluster").json();
            JsonNode gone = node(cluster, nodeB);
            assertThat(gone == null || !gone.path("status").asText().equals("Up")).isTrue();
        });
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                b.gateway.node().system().getWhenTerminated().toCompletableFuture().isDone());
        assertThat(Cluster.get(a.gateway.node().system()).selfMember().status()).isEqualTo(MemberStatus.up());
    }

    private static void assertBad(AdminHttp.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.message()).contains(message);
    }
}
