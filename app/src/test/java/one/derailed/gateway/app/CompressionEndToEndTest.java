package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import one.derailed.gateway.app.CompressedGatewayClient.Mode;
import one.derailed.gateway.app.CompressedGatewayClient.Received;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Compressed connections end to end, on loopback sockets with a real gateway: zlib-stream and zstd-stream decode with
 * one inflater / one streaming zstd decoder across HELLO, READY, GUILD_CREATE, heartbeats and hundreds of published
 * events (large ones among them); IDENTIFY compress:true compresses only large payloads, each on its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionEndToEndTest {
    private static final byte[] SYNC_FLUSH_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final int EVENTS = 300;
    private static final int CHANNELS = 60;

    private TestGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = TestGateway.start(TestDatabases.h2());
    }

    @AfterAll
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    /** A user in a guild of 60 channels and 20 roles (a GUILD_CREATE of some 15 KB of JSON). */
    private long[] userInABusyGuild(String name) {
        long user = gw.data.createUser(name);
        long guild = gw.data.createGuild("busy " + name, user);
        gw.data.addMember(guild, user);
        for (int i = 1; i < CHANNELS; i++) {
            gw.data.createChannel(guild, name + "-channel-" + i);
        }
        for (int i = 0; i < 20; i++) {
            gw.data.createRole(guild, name + "-role-" + i);
        }
        return new long[] {user, guild};
    }

    private static String eventData(int n) {
        // Mostly small events, every 25th one large (~40 KB), all different.
        String content = n % 25 == 0 ? "large ".repeat(7000) + n : "event number " + n;
        return "{\"id\":\"" + (1_000_000 + n) + "\",\"content\":\"" + content + "\",\"n\":" + n
                + ",\"author\":{\"id\":\"42\",\"username\":\"publisher\"}}";
    }

    @Test
    void zlibStreamDecodesWithOneInflaterAndEveryMessageEndsInASyncFlush() {
        streamSessionDecodes("?v=10&encoding=json&compress=zlib-stream", Mode.ZLIB_STREAM, "zlib");
    }

    @Test
    void zstdStreamDecodesWithOneStreamingDecoder() {
        streamSessionDecodes("?v=10&encoding=json&compress=zstd-stream", Mode.ZSTD_STREAM, "zstd");
    }

    private void streamSessionDecodes(String query, Mode mode, String name) {
        long[] ids = userInABusyGuild(name);
        try (CompressedGatewayClient client = new CompressedGatewayClient(gw.port(), query, mode)) {
            Received hello = client.next();
            assertThat(hello.binary()).isTrue();
            assertThat(hello.json().at("/d/heartbeat_interval").intValue()).isEqualTo(41250);
            client.send("{\"op\":1,\"d\":null}");
            assertThat(client.next().json().path("op").intValue()).isEqualTo(11);

            client.identify(gw.data.tokenFor(ids[0]), false);
            Received ready = client.next();
            assertThat(ready.json().path("t").asText()).isEqualTo("READY");
            assertThat(ready.json().at("/d/user/id").asText()).isEqualTo(Long.toString(ids[0]));
            Received guildCreate = client.awaitDispatch("GUILD_CREATE");
            JsonNode guild = guildCreate.json().get("d");
            assertThat(guild.get("id").asText()).isEqualTo(Long.toString(ids[1]));
            assertThat(guild.get("channels").size()).isEqualTo(CHANNELS);
            assertThat(guildCreate.wire().length).as("GUILD_CREATE compressed")
                    .isLessThan(guildCreate.json().toString().length() / 2);

            for (int n = 1; n <= EVENTS; n++) {
                gw.ingress.publishToGuild(ids[1], "MESSAGE_CREATE", eventData(n));
            }
            long lastSeq = guildCreate.json().get("s").longValue();
            for (int n = 1; n <= EVENTS; n++) {
                Received event = client.awaitDispatch("MESSAGE_CREATE");
                assertThat(event.binary()).isTrue();
                assertThat(event.json().get("s").longValue()).isEqualTo(++lastSeq);
                assertThat(event.json().get("d")).isEqualTo(json(eventData(n)));
                if (mode == Mode.ZLIB_STREAM) {
                    byte[] wire = event.wire();
                    assertThat(Arrays.copyOfRange(wire, wire.length - 4, wire.length)).isEqualTo(SYNC_FLUSH_TAIL);
                }
            }
            client.send("{\"op\":1,\"d\":" + lastSeq + "}");
            assertThat(client.next().json().path("op").intValue()).isEqualTo(11);
        }
    }

    @Test
    void identifyCompressTrueCompressesOnlyLargePayloadsEachAsAWholeZlibStream() {
        long[] ids = userInABusyGuild("payload");
        try (CompressedGatewayClient client = new CompressedGatewayClient(gw.port(), "?v=10&encoding=json",
                Mode.PAYLOAD)) {
            assertThat(client.next().binary()).as("HELLO before IDENTIFY is plain").isFalse();
            client.identify(gw.data.tokenFor(ids[0]), true);
            Received ready = client.next();
            assertThat(ready.json().path("t").asText()).isEqualTo("READY");
            assertThat(ready.binary()).isEqualTo(ready.json().toString().length() >= 1024);
            Received guildCreate = client.awaitDispatch("GUILD_CREATE");
            assertThat(guildCreate.binary()).isTrue();
            assertThat(guildCreate.wire()[0]).as("zlib header").isEqualTo((byte) 0x78);
            assertThat(guildCreate.json().at("/d/channels").size()).isEqualTo(CHANNELS);

            for (int n = 1; n <= 50; n++) {
                gw.ingress.publishToGuild(ids[1], "MESSAGE_CREATE", eventData(n));
            }
            for (int n = 1; n <= 50; n++) {
                Received event = client.awaitDispatch("MESSAGE_CREATE");
                assertThat(event.json().get("d")).isEqualTo(json(eventData(n)));
                assertThat(event.binary()).as("event %d compressed", n).isEqualTo(n % 25 == 0);
            }
            client.send("{\"op\":1,\"d\":null}");
            Received ack = client.next();
            assertThat(ack.json().path("op").intValue()).isEqualTo(11);
            assertThat(ack.binary()).isFalse();
        }
    }

    @Test
    void withTransportCompressionIdentifyCompressTrueChangesNothing() {
        long[] ids = userInABusyGuild("both");
        try (CompressedGatewayClient client = new CompressedGatewayClient(gw.port(),
                "?v=10&encoding=json&compress=zlib-stream", Mode.ZLIB_STREAM)) {
            client.next();
            client.identify(gw.data.tokenFor(ids[0]), true);
            assertThat(client.next().json().path("t").asText()).isEqualTo("READY");
            assertThat(client.awaitDispatch("GUILD_CREATE").json().at("/d/channels").size()).isEqualTo(CHANNELS);
            gw.ingress.publishToGuild(ids[1], "MESSAGE_CREATE", eventData(25));
            assertThat(client.awaitDispatch("MESSAGE_CREATE").json().get("d")).isEqualTo(json(eventData(25)));
        }
    }

    @Test
    void anUnknownCompressValueIsRefusedNamingWhatIsServed() {
        try (CompressedGatewayClient client = new CompressedGatewayClient(gw.port(),
                "?v=10&encoding=json&compress=brotli", Mode.PAYLOAD)) {
            GatewayClient.Close close = client.awaitClose();
            assertThat(close.code()).isEqualTo(4012);
            assertThat(close.reason()).contains("brotli").contains("zlib-stream").contains("zstd-stream");
        }
    }

    private static JsonNode json(String text) {
        try {
            return one.derailed.gateway.protocol.Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
