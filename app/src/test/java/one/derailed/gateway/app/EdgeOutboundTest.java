package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every frame the server writes counts against a socket's outbound bound, not only dispatches: a client that sends
 * pings or heartbeats and never reads gets its socket closed (4000, resumable) once its unread answers reach the
 * high-water mark, instead of the server queueing every pong or ACK. The frame rate is lifted here so that only the
 * outbound bound can stop them. A bystander keeps receiving throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeOutboundTest {
    private static final int HIGH_WATER = 64 * 1024;
    /** What the client pushes at most: ten times what the high-water mark and the kernels' buffers can take. */
    private static final long MAX_SENT = 40L * 1024 * 1024;
    private TestGateway gw;
    private Bystander bystander;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2(), Map.of(
                "derailed.websocket.outbound-high-water", HIGH_WATER,
                "derailed.websocket.rate-limit.frames", 100_000_000,
                "derailed.websocket.identify-timeout", "120s"));
        bystander = new Bystander(gw);
    }

    @AfterAll
    void stop() {
        bystander.close();
        gw.close();
    }

    @Test
    void aClientThatPingsAndNeverReadsIsClosedInsteadOfQueueingItsPongs() throws Exception {
        byte[] ping = RawGatewaySocket.frame(9, "p".repeat(125).getBytes(StandardCharsets.US_ASCII));
        assertStoppedAtTheBound(ping);
    }

    @Test
    void aClientThatHeartbeatsAndNeverReadsIsClosedInsteadOfQueueingItsAcks() throws Exception {
        byte[] heartbeat = RawGatewaySocket.frame(1, "{\"op\":1,\"d\":null}".getBytes(StandardCharsets.US_ASCII));
        assertStoppedAtTheBound(heartbeat);
    }

    /**
     * Sends {@code frame} over and over without reading until the server stops taking them (or {@link #MAX_SENT}),
     * watching the node's count of bytes queued to sockets, then reads what the server sent: its answers end with a
     * 4000 close, or the socket was cut.
     */
    private void assertStoppedAtTheBound(byte[] frame) throws Exception {
        long peakQueued = 0;
        long sent = 0;
        try (RawGatewaySocket client = new RawGatewaySocket(new InetSocketAddress("127.0.0.6", 0), gw.port(), "")) {
            client.read();
            byte[] batch = new byte[frame.length * 512];
            for (int i = 0; i < 512; i++) {
                System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
            }
            try {
                while (sent < MAX_SENT) {
                    client.sendRaw(batch);
                    sent += batch.length;
                    peakQueued = Math.max(peakQueued, (long) gw.counter("derailed_sockets_outbound_bytes"));
                }
            } catch (IOException cut) {
                // The server closed the socket: nothing more is taken.
            }
            bystander.stillReceives();
            client.socket().setSoTimeout(20_000);
            int code = client.readUntilClose();
            assertThat(code).as("a 4000 close after the answers, or a cut socket").isIn(4000, -1);
        }
        // The node never held more for this socket than its high-water mark and one frame per write in flight.
        assertThat(peakQueued).isLessThanOrEqualTo(2L * HIGH_WATER);
        assertThat(gw.gateway.node().metrics().scrape())
                .containsPattern("derailed_closes_total\\{by=\"server\",code=\"4000\"\\} [1-9]");
        bystander.stillReceives();
    }
}
