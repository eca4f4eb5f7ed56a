package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * An identify storm past the Ready queue's bound, over real sockets: every socket gets an answer at once, READY or a
 * 4000 close telling it to try again, none waits for its timeout; a bystander keeps receiving, and the gateway takes
 * new sessions afterwards.
 */
class IdentifyStormTest {
    private static final int STORM = 150;

    @Test
    void anIdentifyStormPastTheReadyQueueIsAnsweredNotQueued() throws Exception {
        try (TestGateway gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.ready.workers", 1,
                "derailed.ready.queue-capacity", 4,
                "derailed.sessions.ready-timeout", "60s"));
             Bystander bystander = new Bystander(gw)) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < STORM; i++) {
                tokens.add(gw.data.tokenFor(gw.data.createUser("storm" + i)));
            }
            List<RawGatewaySocket> sockets = new ArrayList<>();
            try {
                for (String token : tokens) {
                    RawGatewaySocket socket = new RawGatewaySocket(gw.port());
                    socket.read();
                    sockets.add(socket);
                }
                // Every IDENTIFY at once, each socket's frame written in one go.
                for (int i = 0; i < STORM; i++) {
                    sockets.get(i).sendRaw(RawGatewaySocket.frame(1, ("{\"op\":2,\"d\":{\"token\":\""
                            + tokens.get(i) + "\"}}").getBytes(StandardCharsets.UTF_8)));
                }
                int ready = 0;
                int busy = 0;
                for (RawGatewaySocket socket : sockets) {
                    socket.socket().setSoTimeout(30_000);
                    RawGatewaySocket.Frame frame = socket.readFrame();
                    if (frame.opcode() == 8) {
                        int code = ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff);
                        assertThat(code).isEqualTo(4000);
                        assertThat(new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8))
                                .contains("busy");
                        busy++;
                    } else {
                        JsonNode ready0 = one.derailed.gateway.protocol.Json.MAPPER.readTree(frame.payload());
                        assertThat(ready0.path("t").asText()).isEqualTo("READY");
                        ready++;
                    }
                }
                assertThat(ready + busy).isEqualTo(STORM);
                assertThat(ready).isPositive();
                assertThat(busy).as("refused at once rather than queued").isPositive();
                assertThat(gw.counter("derailed_ready_refused_total")).isEqualTo(busy);
                bystander.stillReceives();
            } finally {
                for (RawGatewaySocket socket : sockets) {
                    socket.close();
                }
            }
            // The storm is over: a new session starts as usual.
            try (GatewayClient after = gw.online(gw.data.createUser("after"), 0)) {
                assertThat(after.readySessionId()).isNotNull();
            }
            bystander.stillReceives();
        }
    }
}
