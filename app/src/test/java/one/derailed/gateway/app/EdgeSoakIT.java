package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import one.derailed.gateway.grpc.IngressClient;
import one.derailed.gateway.http.RawHttp;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.testing.TestData;
import org.awaitility.Awaitility;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak of the hardened edge: one gateway process, several thousand hostile connections of every kind the
 * edge bounds (silent, trickling and oversized HTTP, pipelined floods, garbage, sockets that upgrade and never
 * identify, ping floods, text that is not UTF-8, numbers out of range, bad tokens, refused member requests, a flood
 * from one address, sessions that stop reading while events pour in, oversized gRPC publishes), in waves, for about
 * a minute and a half, while a bystander session receives a steady stream of events.
 *
 * <p>Each hostile connection must get its defined answer, the bystander every event accepted, in order, none twice,
 * and afterwards the gateway's heap (after a GC), resident memory and open file descriptors must be back at their
 * baseline, taken after one warm-up wave (the JVM's heap is committed and touched at start, so RSS measures what the
 * gateway holds beyond it: direct buffers, native compression contexts, threads).
 */
class EdgeSoakIT {
    /** Waves after the warm-up; -Dderailed.soak.waves=N for a longer soak. */
    private static final int WAVES = Integer.getInteger("derailed.soak.waves", 6);
    private static final int ADDRESSES = 120;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    private static final long HEAP_SLACK = 24L * 1024 * 1024;
    private static final long RSS_SLACK = 64L * 1024 * 1024;
    private static final int FD_SLACK = 8;

    private final AtomicInteger nextAddress = new AtomicInteger();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

    @Test
    void thousandsOfHostileConnectionsLeaveNothingBehindAndTheBystanderMissesNothing() throws Exception {
        Path directory = Files.createTempDirectory("derailed-soak");
        List<String> jvm = List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC",
                "-XX:TrimNativeHeapInterval=2000", "-Dderailed.seed-demo=false",
                "-Dderailed.websocket.handshake-timeout=" + HANDSHAKE_TIMEOUT.toMillis() + "ms",
                "-Dderailed.websocket.keep-alive-timeout=2s", "-Dderailed.websocket.identify-timeout=3s",
                "-Dderailed.websocket.heartbeat-interval=1000ms", "-Dderailed.websocket.heartbeat-timeout=4000ms",
                "-Dderailed.websocket.outbound-high-water=256KiB",
                "-Dderailed.sessions.replay-buffer.max-bytes=512KiB", "-Dderailed.limits.max-event-bytes=64KiB",
                "-Dderailed.sessions.resume-timeout=4s",
                "-Dderailed.grpc.max-inflight-bytes=12MiB", "-Dderailed.overload.max-client-bytes=64MiB");
        try (GatewayProcess gateway = GatewayProcess.start(directory, Map.of("DERAILED_SEED_DEMO", "false"), jvm,
                "run")) {
            gateway.awaitReady(Duration.ofMinutes(2));
            TestData data = new TestData(h2(directory));
            // A patient client: on a loaded machine a call may take longer than the default 5 s deadline, and a call
            // that passed its deadline may still have published.
            try (IngressClient ingress = new IngressClient("127.0.0.1", gateway.grpcPort, null,
                    Duration.ofSeconds(30))) {
                Scene scene = new Scene(gateway, data, ingress);
                ExecutorService attackers = Executors.newFixedThreadPool(24);
                try {
                    wave(scene, attackers, 0);
                    scene.settle();
                    Usage baseline = usage(gateway);
                    for (int wave = 1; wave <= WAVES; wave++) {
                        wave(scene, attackers, wave);
                    }
                    scene.stopPublishing();
                    scene.bystanderGotEverything();
                    scene.settle();
                    Usage after = usage(gateway);
                    System.out.printf("soak: answers %s%nsoak: baseline %s, after %s, events %d (refused and sent "
                                    + "again %d, uncertain %d)%n", new java.util.TreeMap<>(answers), baseline, after,
                            scene.accepted.get(), scene.refusedPublishes.get(), scene.uncertain.size());
                    assertThat(after.heapBytes()).as("heap after a GC").isLessThan(baseline.heapBytes() + HEAP_SLACK);
                    assertThat(after.rssBytes()).as("resident memory").isLessThan(baseline.rssBytes() + RSS_SLACK);
                    assertThat(after.fds()).as("open file descriptors").isLessThanOrEqualTo(baseline.fds() + FD_SLACK);
                    assertThat(total()).as("hostile connections answered").isGreaterThan(5_000);
                } finally {
                    attackers.shutdownNow();
                    scene.close();
                }
            }
        }
    }

    /** One wave of every kind of hostile connection at once; each returns when its connections got their answers. */
    private void wave(Scene scene, ExecutorService attackers, int wave) throws Exception {
        int port = scene.gateway.webSocketPort;
        List<Future<?>> running = new ArrayList<>();
        running.add(attackers.submit(() -> silent(port, 300)));
        running.add(attackers.submit(() -> slowloris(port, 100)));
        running.add(attackers.submit(() -> malformed(port, 60)));
        running.add(attackers.submit(() -> pipelined(port, 30)));
        running.add(attackers.submit(() -> lurkers(port, 100)));
        running.add(attackers.submit(() -> pingFloods(port, 40)));
        running.add(attackers.submit(() -> badPayloads(port, 60, scene)));
        running.add(attackers.submit(() -> badTokens(port, 60)));
        running.add(attackers.submit(() -> memberAbuse(port, 10, scene)));
        running.add(attackers.submit(() -> oneAddressFlood(port, 300, 250 - wave)));
        running.add(attackers.submit(() -> nonReaders(port, 8, scene)));
        running.add(attackers.submit(() -> hugePublishes(scene, 12)));
        for (Future<?> attack : running) {
            attack.get(3, TimeUnit.MINUTES);
        }
    }

    private InetSocketAddress nextSource() {
        return new InetSocketAddress("127.0.0." + (2 + Math.floorMod(nextAddress.getAndIncrement(), ADDRESSES)), 0);
    }

    private void saw(String answer) {
        answers.computeIfAbsent(answer, a -> new LongAdder()).increment();
    }

    private long total() {
        return answers.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Connections that never send a byte: 408, then closed. */
    private Void silent(int port, int count) throws IOException {
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                open.add(new RawHttp(nextSource(), port));
            }
            for (RawHttp connection : open) {
                assertThat(connection.read().status()).isEqualTo(408);
                saw("silent 408");
            }
        } finally {
            for (RawHttp connection : open) {
                connection.close();
            }
        }
        return null;
    }

    /** Requests trickled in and never finished: 408. */
    private Void slowloris(int port, int count) throws IOException {
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                RawHttp connection = new RawHttp(nextSource(), port);
                connection.send("GET /?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                open.add(connection);
            }
            for (RawHttp connection : open) {
                connection.send("a");
                assertThat(connection.read().status()).isEqualTo(408);
                saw("slowloris 408");
            }
        } finally {
            for (RawHttp connection : open) {
                connection.close();
            }
        }
        return null;
    }

    /** Requests that do not parse: each its status, then closed. */
    private Void malformed(int port, int count) throws IOException {
        String[][] kinds = {
                {"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10 * 1024) + "\r\n\r\n", "431"},
                {"GET /" + "l".repeat(10 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
                {"\u0016\u0003\u0001\u0000garbage\r\n\r\n", "400"},
                {"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", "505"},
        };
        for (int i = 0; i < count; i++) {
            String[] kind = kinds[i % kinds.length];
            try (RawHttp connection = new RawHttp(nextSource(), port)) {
                connection.send(kind[0]);
                assertThat(connection.read().status()).isEqualTo(Integer.parseInt(kind[1]));
                assertThat(connection.closedByServer()).isTrue();
                saw("malformed " + kind[1]);
            }
        }
        return null;
    }

    /** 40 pipelined requests per connection: the first ones answered in order, then closed. */
    private Void pipelined(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (RawHttp connection = new RawHttp(nextSource(), port)) {
                StringBuilder requests = new StringBuilder();
                for (int n = 0; n < 40; n++) {
                    requests.append(RawHttp.get(n % 2 == 0 ? "/healthz" : "/api/v10/gateway"));
                }
                connection.send(requests.toString());
                int answered = 0;
                try {
                    while (answered < 40) {
                        RawHttp.Answer answer = connection.read();
                        assertThat(answer.body()).contains(answered % 2 == 0 ? "ok" : "url");
                        answered++;
                    }
                } catch (IOException closed) {
                    // past the pipelining bound: closed after the answers kept
                }
                assertThat(answered).isGreaterThanOrEqualTo(17);
                saw("pipelined");
            }
        }
        return null;
    }

    /** Sockets that upgrade, heartbeat, and never identify: 4003. */
    private Void lurkers(int port, int count) throws IOException {
        List<RawGatewaySocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "");
                socket.read();
                socket.send("{\"op\":1,\"d\":null}");
                open.add(socket);
            }
            for (RawGatewaySocket socket : open) {
                assertThat(socket.readUntilClose()).isEqualTo(4003);
                saw("lurker 4003");
            }
        } finally {
            for (RawGatewaySocket socket : open) {
                socket.close();
            }
        }
        return null;
    }

    /** 200 pings at once: 120 pongs, then 4008. */
    private Void pingFloods(int port, int count) throws IOException {
        byte[] flood = repeated(RawGatewaySocket.frame(9, "p".repeat(100).getBytes(StandardCharsets.US_ASCII)), 200);
        for (int i = 0; i < count; i++) {
            try (RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "")) {
                socket.read();
                socket.sendRaw(flood);
                assertThat(socket.readUntilClose()).isEqualTo(4008);
                saw("ping flood 4008");
            }
        }
        return null;
    }

    /** UTF-16 text, a wrapped shard count, an out-of-range threshold: 4002 or 4010. */
    private Void badPayloads(int port, int count, Scene scene) throws IOException {
        String token = scene.attackerToken;
        List<IntFunction<byte[]>> payloads = List.of(
                n -> "{\"op\":2,\"d\":{\"token\":\"x\"}}".getBytes(StandardCharsets.UTF_16LE),
                n -> ("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"shard\":[0,18446744073709551617]}}")
                        .getBytes(StandardCharsets.UTF_8),
                n -> ("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"large_threshold\":4294967396}}")
                        .getBytes(StandardCharsets.UTF_8),
                n -> "{\"op\":1,\"d\":".repeat(40).getBytes(StandardCharsets.UTF_8));
        int[] expected = {4002, 4010, 4002, 4002};
        for (int i = 0; i < count; i++) {
            try (RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "")) {
                socket.read();
                socket.sendFrame(1, true, payloads.get(i % payloads.size()).apply(i));
                assertThat(socket.readUntilClose()).isEqualTo(expected[i % expected.length]);
                saw("bad payload " + expected[i % expected.length]);
            }
        }
        return null;
    }

    /** Forged and malformed tokens: 4004 "authentication failed". */
    private Void badTokens(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "")) {
                socket.read();
                socket.send("{\"op\":2,\"d\":{\"token\":\"" + (i % 2 == 0 ? "MTIz.AAAA.forgedforgedforgedforgedforged"
                        : "not a token " + i) + "\"}}");
                assertThat(socket.readUntilClose()).isEqualTo(4004);
                saw("bad token 4004");
            }
        }
        return null;
    }

    /** The whole member list without GUILD_MEMBERS, with an enormous limit: 4013, and no member sent. */
    private Void memberAbuse(int port, int count, Scene scene) throws IOException {
        for (int i = 0; i < count; i++) {
            try (RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "")) {
                socket.read();
                socket.send("{\"op\":2,\"d\":{\"token\":\"" + scene.attackerToken + "\",\"intents\":"
                        + (Intents.GUILDS | Intents.GUILD_MESSAGES) + "}}");
                assertThat(socket.read().path("t").asText()).isEqualTo("READY");
                socket.send("{\"op\":8,\"d\":{\"guild_id\":\"" + scene.guild + "\",\"query\":\"\","
                        + "\"limit\":2147483647}}");
                assertThat(socket.readUntilClose()).isEqualTo(4013);
                saw("member request 4013");
            }
        }
        return null;
    }

    /** More connections from one address than it may have unidentified: the rest get 503 at accept. */
    private Void oneAddressFlood(int port, int count, int lastByte) throws IOException {
        InetSocketAddress from = new InetSocketAddress("127.0.0." + lastByte, 0);
        List<RawHttp> open = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < count; i++) {
                open.add(new RawHttp(from, port));
            }
            for (RawHttp connection : open) {
                int status = connection.read().status();
                assertThat(status).isIn(408, 503);
                if (status == 503) {
                    refused++;
                }
                saw("one address " + status);
            }
        } finally {
            for (RawHttp connection : open) {
                connection.close();
            }
        }
        // The first ones may have timed out (408) before the last connected; never more than 256 at once.
        assertThat(refused).isPositive().isLessThanOrEqualTo(count - 256);
        return null;
    }

    /** Real sessions in the flooded guild that stop reading: each is closed (4000) or cut, never kept. */
    private Void nonReaders(int port, int count, Scene scene) throws Exception {
        List<RawGatewaySocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                RawGatewaySocket socket = new RawGatewaySocket(nextSource(), port, "");
                socket.read();
                socket.send("{\"op\":2,\"d\":{\"token\":\"" + scene.nonReaderTokens.get(i) + "\"}}");
                open.add(socket);
            }
            // They read nothing more; the flood publisher fills their sockets.
            for (RawGatewaySocket socket : open) {
                socket.socket().setSoTimeout(60_000);
                int code = socket.readUntilClose();
                assertThat(code).isIn(4000, -1);
                saw("non-reader " + code);
            }
        } finally {
            for (RawGatewaySocket socket : open) {
                socket.close();
            }
        }
        return null;
    }

    /** Publishes of 3 MiB at once, more than the request bytes allowed in flight: the rest RESOURCE_EXHAUSTED. */
    private Void hugePublishes(Scene scene, int count) throws Exception {
        String huge = "{\"x\":\"" + "h".repeat(3 * 1024 * 1024) + "\"}";
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            callers.add(Thread.ofPlatform().start(() -> {
                try {
                    scene.ingress.publishToGuild(scene.emptyGuild, "MESSAGE_CREATE", huge);
                    saw("huge publish ok");
                } catch (StatusRuntimeException refused) {
                    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    saw("huge publish refused");
                }
            }));
        }
        for (Thread caller : callers) {
            caller.join();
        }
        return null;
    }

    private static byte[] repeated(byte[] frame, int times) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(frame.length * times);
        for (int i = 0; i < times; i++) {
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    /** The bystander, its steady publisher, and the guild the non-readers are flooded in. */
    private static final class Scene implements AutoCloseable {
        final GatewayProcess gateway;
        final IngressClient ingress;
        final long guild;
        final long floodGuild;
        final long emptyGuild;
        final String attackerToken;
        final List<String> nonReaderTokens = new ArrayList<>();
        final GatewayClient bystander;
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong refusedPublishes = new AtomicLong();
        /** Events whose publish failed in a way that does not say whether it was published (a deadline passed). */
        final java.util.Set<Long> uncertain = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean publishing = new AtomicBoolean(true);
        private final Thread publisher;
        private final Thread flooder;

        Scene(GatewayProcess gateway, TestData data, IngressClient ingress) {
            this.gateway = gateway;
            this.ingress = ingress;
            long watcher = data.createUser("bystander");
            guild = data.createGuild("steady", watcher);
            data.addMember(guild, watcher);
            long attacker = data.createUser("attacker");
            data.addMember(guild, attacker);
            attackerToken = data.tokenFor(attacker);
            floodGuild = data.createGuild("flooded", watcher);
            for (int i = 0; i < 8; i++) {
                long user = data.createUser("nonreader" + i);
                data.addMember(floodGuild, user);
                nonReaderTokens.add(data.tokenFor(user));
            }
            emptyGuild = data.createGuild("empty", watcher);
            bystander = GatewayClient.identified(gateway.webSocketPort, data.tokenFor(watcher));
            bystander.expectDispatch("READY");
            bystander.awaitDispatch("GUILD_CREATE");
            // Once a second, as the interval says: faster would pass the 120 frames a minute.
            bystander.heartbeatEvery(Duration.ofSeconds(1));
            publisher = Thread.ofPlatform().daemon().start(this::publishSteadily);
            flooder = Thread.ofPlatform().daemon().start(this::flood);
        }

        /**
         * Numbered events to the bystander's guild, about 50 a second, as the API would send them: one refused with
         * RESOURCE_EXHAUSTED (nothing was published) is sent again; one whose call failed otherwise (its deadline
         * passed on a loaded machine) may or may not have been published, and is not sent twice.
         */
        private void publishSteadily() {
            long n = 0;
            while (publishing.get()) {
                try {
                    ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"n\":" + n + "}");
                    accepted.set(++n);
                    Thread.sleep(20);
                } catch (StatusRuntimeException failed) {
                    if (failed.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        refusedPublishes.incrementAndGet();
                    } else {
                        uncertain.add(n);
                        accepted.set(++n);
                    }
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        /** 64 KiB events to the non-readers' guild, about 200 a second (12.8 MB/s to each of them). */
        private void flood() {
            String event = "{\"pad\":\"" + "f".repeat(64 * 1024) + "\"}";
            while (publishing.get()) {
                try {
                    ingress.publishToGuild(floodGuild, "MESSAGE_CREATE", event);
                } catch (StatusRuntimeException refused) {
                    // the node pushed back; the pause below is the backoff
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        void stopPublishing() throws InterruptedException {
            publishing.set(false);
            publisher.join(30_000);
            flooder.join(30_000);
        }

        /** Every accepted event reached the bystander once, in order; an uncertain one at most once. */
        void bystanderGotEverything() {
            long lastCertain = accepted.get() - 1;
            while (lastCertain >= 0 && uncertain.contains(lastCertain)) {
                lastCertain--;
            }
            long next = 0;
            while (next <= lastCertain) {
                long n = bystander.awaitDispatch("MESSAGE_CREATE").at("/d/n").longValue();
                assertThat(n).as("no event twice, none out of order").isGreaterThanOrEqualTo(next);
                for (long skipped = next; skipped < n; skipped++) {
                    assertThat(uncertain).as("event %d was accepted but never arrived", skipped).contains(skipped);
                }
                next = n + 1;
            }
            assertThat(bystander.isClosed()).isFalse();
        }

        /** Waits until only the bystander's socket and session are left. */
        void settle() {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Double> figures = metrics(gateway.operatorPort);
                return figures.getOrDefault("derailed_sockets", -1.0) == 1.0
                        && figures.getOrDefault("derailed_sessions", -1.0) == 1.0
                        && figures.getOrDefault("derailed_sockets_unidentified", -1.0) == 0.0;
            });
        }

        @Override
        public void close() {
            publishing.set(false);
            bystander.close();
        }
    }

    private record Usage(long heapBytes, long rssBytes, int fds) {
        @Override
        public String toString() {
            return String.format("heap %.1f MiB, RSS %.1f MiB, %d fds", heapBytes / 1048576.0, rssBytes / 1048576.0,
                    fds);
        }
    }

    /** The gateway's heap after a full GC, its resident memory and its open descriptors. */
    private static Usage usage(GatewayProcess gateway) throws Exception {
        long pid = gateway.pid();
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long heap = 0;
        for (Map.Entry<String, Double> figure : metrics(gateway.operatorPort).entrySet()) {
            if (figure.getKey().startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                heap += figure.getValue().longValue();
            }
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        int fds;
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) entries.count();
        }
        return new Usage(heap, rss, fds);
    }

    private static Map<String, Double> metrics(int operatorPort) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operatorPort + "/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> figures = new java.util.HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                figures.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return figures;
    }

    private static JdbcDataSource h2(Path directory) {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + directory.resolve("data/derailed") + ";AUTO_SERVER=TRUE");
        source.setUser("sa");
        source.setPassword("");
        return source;
    }
}
