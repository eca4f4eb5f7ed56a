package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.store.testing.TestDatabases;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The node-wide bound on what a node holds for its clients, with real sockets that stop reading and a real gRPC
 * publisher that does what the API should: on RESOURCE_EXHAUSTED it waits and publishes the same event again. The
 * node pushes back instead of growing, closes the slowest sockets (4000, resumable), ends sessions whose clients are
 * away when their buffers keep it over, and comes back under its bound; a bystander that reads gets every event that
 * was accepted, in order, none twice.
 */
class OverloadTest {
    private static final int EVENT_BYTES = 32 * 1024;

    @Test
    void slowSocketsAreClosedAndTheIngressPushesBackWhileTheNodeIsOverItsBound() throws Exception {
        long bound = 48L * 1024 * 1024;
        try (TestGateway gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.overload.max-client-bytes", bound,
                "derailed.websocket.outbound-high-water", "32MiB",
                "derailed.sessions.replay-buffer.max-bytes", "1MiB",
                "derailed.limits.max-event-bytes", "64KiB",
                "derailed.sessions.replay-buffer.max-events", 100_000))) {
            Scene scene = new Scene(gw);
            List<RawGatewaySocket> slow = scene.stalledSessions(10);
            Run run = scene.publish(400);

            assertThat(run.refused).as("publishes refused while over the bound").isPositive();
            assertThat(gw.counter("derailed_overload_shed_total")).as("slow sockets closed").isPositive();
            assertThat(run.peak).as("what the node held, sampled").isLessThan(2 * bound);
            assertThat(gw.gateway.node().metrics().scrape()).as("closed resumably")
                    .containsPattern("derailed_closes_total\\{by=\"server\",code=\"4000\"\\} [1-9]");
            for (RawGatewaySocket stalled : slow) {
                stalled.close();
            }
            scene.bystanderGotEveryEvent(400);
            Awaitility.await().atMost(GatewayClient.WAIT).until(() -> !scene.bytes.overLimit());
            scene.close();
        }
    }

    @Test
    void sessionsAwayWhoseBuffersKeepTheNodeOverItsBoundEnd() throws Exception {
        long bound = 8L * 1024 * 1024;
        try (TestGateway gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.overload.max-client-bytes", bound,
                "derailed.sessions.replay-buffer.max-bytes", "2MiB",
                "derailed.sessions.replay-buffer.max-events", 100_000,
                "derailed.sessions.resume-timeout", "5m"))) {
            Scene scene = new Scene(gw);
            // Sessions that read but never acknowledge: their replay buffers fill, then their sockets drop.
            List<GatewayClient> forgetful = new ArrayList<>();
            List<String> sessionIds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long user = gw.data.createUser("forgetful" + i);
                gw.data.addMember(scene.guild, user);
                GatewayClient client = gw.online(user, 1);
                forgetful.add(client);
                sessionIds.add(client.readySessionId());
            }
            Run filling = scene.publish(30);
            assertThat(filling.refused).isZero();
            forgetful.forEach(GatewayClient::drop);
            Awaitility.await().atMost(GatewayClient.WAIT).until(() -> gw.counter("derailed_sockets") <= 1);

            // Now about 6 MiB of buffers wait for clients that are away; more events push the node past 8 MiB.
            Run run = scene.publish(200);
            assertThat(gw.counter("derailed_overload_reclaims_total")).isPositive();
            for (String sessionId : sessionIds) {
                assertThat(gw.gateway.node().sessions().directory().bySessionId(sessionId)).isNull();
            }
            assertThat(run.peak).isLessThan(2 * bound);
            scene.bystanderGotEveryEvent(230);
            scene.close();
        }
    }

    /** A guild with a reading, acknowledging bystander, and a publisher of numbered events of {@value EVENT_BYTES}. */
    private static final class Scene implements AutoCloseable {
        final TestGateway gw;
        final ClientBytes bytes;
        final long guild;
        final GatewayClient bystander;
        private int next;

        Scene(TestGateway gw) {
            this.gw = gw;
            this.bytes = gw.gateway.node().metrics().clientBytes();
            long user = gw.data.createUser("bystander");
            guild = gw.data.createGuild("crowded", user);
            gw.data.addMember(guild, user);
            // Acknowledges once a second (faster would pass the 120 frames a minute), so its replay buffer stays small.
            bystander = gw.online(user, 1).heartbeatEvery(Duration.ofSeconds(1));
        }

        /** {@code count} members of the guild that identify and then read nothing more. */
        List<RawGatewaySocket> stalledSessions(int count) throws Exception {
            List<RawGatewaySocket> sockets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long user = gw.data.createUser("stalled" + i);
                gw.data.addMember(guild, user);
                RawGatewaySocket socket = new RawGatewaySocket(new InetSocketAddress("127.0.0." + (20 + i), 0),
                        gw.port(), "");
                socket.read();
                socket.send("{\"op\":2,\"d\":{\"token\":\"" + gw.data.tokenFor(user) + "\"}}");
                assertThat(socket.read().path("t").asText()).isEqualTo("READY");
                sockets.add(socket);
            }
            return sockets;
        }

        /** Publishes {@code count} more events, each again after a refusal once the node is under its bound. */
        Run publish(int count) {
            AtomicLong peak = new AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(bytes.total(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            });
            int refused = 0;
            String pad = "x".repeat(EVENT_BYTES);
            try {
                for (int end = next + count; next < end; ) {
                    try {
                        gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + next + ",\"pad\":\"" + pad
                                + "\"}");
                        next++;
                    } catch (StatusRuntimeException refusal) {
                        assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(refusal.getStatus().getDescription()).contains("overloaded");
                        refused++;
                        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !bytes.overLimit());
                    }
                }
            } finally {
                sampler.interrupt();
            }
            return new Run(refused, peak.get());
        }

        /** The bystander received events 0 to {@code count - 1}, each once, in order. */
        void bystanderGotEveryEvent(int count) {
            for (int n = 0; n < count; n++) {
                JsonNode event = bystander.awaitDispatch("MESSAGE_CREATE");
                assertThat(event.at("/d/n").intValue()).as("the bystander's next event").isEqualTo(n);
            }
        }

        @Override
        public void close() {
            bystander.close();
        }
    }

    private record Run(int refused, long peak) {}
}
