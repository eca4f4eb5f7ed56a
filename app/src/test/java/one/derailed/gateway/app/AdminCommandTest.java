package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import one.derailed.gateway.app.admin.AdminCommand;
import one.derailed.gateway.core.admin.ClusterAdmin;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * {@code derailed admin ...} against a running node, through its admin API: what each subcommand prints, that its
 * actions reach a connected client, and the exit status of a refusal. The drain runs last: it stops the node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminCommandTest {
    private TestGateway gateway;
    private String url;
    private String node;

    /** What one run of {@code derailed admin ARGS} printed, and its exit status. */
    record Run(int status, String out, String err) {}

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(TestDatabases.h2());
        url = "http://127.0.0.1:" + gateway.gateway.operatorPort();
        node = ClusterAdmin.nodeName(Cluster.get(gateway.gateway.node().system()).selfMember().address());
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private Run admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url;
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = new CommandLine(new AdminCommand(new PrintStream(out, true, StandardCharsets.UTF_8), errors))
                .setErr(new java.io.PrintWriter(errors, true)).execute(all);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void statusUserAndSessionShowWhatRuns() {
        long ada = gateway.data.createUser("ada");
        long guild = gateway.data.createGuild("the guild", ada);
        gateway.data.addMember(guild, ada);
        try (GatewayClient client = gateway.online(ada, 1)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Run status = admin("status");
                assertThat(status.status()).isZero();
                assertThat(status.out()).contains("cluster seen from " + node, "NODE", "SESSIONS", "Up",
                        "the guild");
            });
            Run user = admin("user", Long.toString(ada));
            assertThat(user.status()).isZero();
            assertThat(user.out()).contains("(ada): 1 sessions", client.readySessionId(), "connected", "online");
            Run session = admin("session", client.readySessionId());
            assertThat(session.status()).isZero();
            assertThat(session.out()).contains(Long.toString(ada), node);
            Run json = admin("--json", "user", Long.toString(ada));
            assertThat(json.out()).contains("\"session_count\" : 1");
        }
    }

    @Test
    @Order(2)
    void publishReconnectAndDisconnectReachTheClient() {
        long bob = gateway.data.createUser("bob");
        GatewayClient client = gateway.online(bob, 0);
        Run published = admin("publish", "user", Long.toString(bob), "USER_UPDATE", "{\"from\":\"cli\"}");
        assertThat(published.status()).as(published.err()).isZero();
        assertThat(client.awaitDispatch("USER_UPDATE").at("/d/from").asText()).isEqualTo("cli");

        Run op7 = admin("op7", node);
        assertThat(op7.status()).isZero();
        assertThat(op7.out()).contains(node + ": op 7 sent");
        client.expectOp(7);
        assertThat(client.awaitClose().code()).isEqualTo(4000);
        client.close();

        GatewayClient again = gateway.online(bob, 0);
        Run disconnect = admin("disconnect", Long.toString(bob), "--code", "4009", "--reason", "from the cli");
        assertThat(disconnect.status()).isZero();
        // the session op 7 closed waits for its RESUME, so the user has two: both end
        assertThat(disconnect.out()).contains("closed with 4009 (2 sessions)");
        GatewayClient.Close close = again.awaitClose();
        assertThat(close.code()).isEqualTo(4009);
        assertThat(close.reason()).isEqualTo("from the cli");
        again.close();
    }

    @Test
    @Order(3)
    void aRefusalExitsWithOneAndSaysWhy() {
        Run badId = admin("user", "not-a-number");
        assertThat(badId.status()).isEqualTo(1);
        assertThat(badId.err()).contains("400: id must be a decimal snowflake");
        Run badCode = admin("disconnect", "1", "--code", "4321");
        assertThat(badCode.status()).isEqualTo(1);
        assertThat(badCode.err()).contains("code must be one of the gateway's close codes");
        Run noNode = admin("drain", "10.1.1.1:1");
        assertThat(noNode.status()).isEqualTo(1);
        assertThat(noNode.err()).contains("404: no node 10.1.1.1:1");
        Run badJson = admin("publish", "guild", "1", "X", "{nope");
        assertThat(badJson.status()).isEqualTo(2);
        assertThat(badJson.err()).contains("the event's d is not JSON");
        Run nobody = new Run(new CommandLine(new AdminCommand(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()))).execute("--url", "http://127.0.0.1:1", "status"),
                "", "");
        assertThat(nobody.status()).isEqualTo(1);
    }

    @Test
    @Order(100)
    void drainWaitFollowsTheLeaveUntilTheNodeHasLeft() {
        long cid = gateway.data.createUser("cid");
        GatewayClient client = gateway.online(cid, 0);
        Run drain = admin("drain", "--wait", "--timeout", "60s");
        assertThat(drain.status()).as(drain.out() + drain.err()).isZero();
        assertThat(drain.out()).contains(node + ": leaving", node + ": ");
        assertThat(drain.out()).containsAnyOf("has left the cluster", "stopped answering");
        client.expectOp(7);
        client.close();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                gateway.gateway.node().system().getWhenTerminated().toCompletableFuture().isDone());
    }
}
