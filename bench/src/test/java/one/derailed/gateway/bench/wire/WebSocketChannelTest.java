package one.derailed.gateway.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lean client against a real Netty WebSocket server on loopback (the codec the gateway runs): the upgrade, every
 * message size and fragmentation the server may send, masked client frames the server accepts, ping and pong, and
 * each way a connection ends.
 */
class WebSocketChannelTest {
    private static final String LARGE = "L".repeat(300_000);

    private LoopbackWebSocketServer server;
    private EventLoop loop;
    private final List<String> serverGot = new CopyOnWriteArrayList<>();
    private final AtomicReference<Channel> serverSide = new AtomicReference<>();

    private final class Script extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                serverSide.set(ctx.channel());
                ctx.write(new TextWebSocketFrame("{\"op\":10}"));
                ctx.write(new TextWebSocketFrame(LARGE));
                ctx.write(new TextWebSocketFrame(false, 0, "frag-"));
                ctx.write(new ContinuationWebSocketFrame(false, 0, "ment-"));
                ctx.write(new ContinuationWebSocketFrame(true, 0, "ed"));
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'p', 'i'})));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                serverGot.add("text:" + text.text());
            } else if (frame instanceof PongWebSocketFrame pong) {
                serverGot.add("pong:" + pong.content().toString(StandardCharsets.US_ASCII));
            } else if (frame instanceof CloseWebSocketFrame close) {
                serverGot.add("close:" + close.statusCode());
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), "")).addListener(f -> ctx.close());
            }
        }
    }

    private static final class Recorder implements WebSocketListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> stamps = new CopyOnWriteArrayList<>();

        @Override
        public void onConnected(WebSocketChannel channel, long nanos) {
            events.add("connected");
        }

        @Override
        public void onOpen(WebSocketChannel channel, long nanos) {
            events.add("open");
        }

        @Override
        public void onMessage(WebSocketChannel channel, byte[] payload, int offset, int length, boolean binary,
                              long nanos, long wallNanos) {
            stamps.add(wallNanos);
            String text = new String(payload, offset, length, StandardCharsets.UTF_8);
            events.add("message:" + (text.equals(LARGE) ? "LARGE" : text));
        }

        @Override
        public void onCloseFrame(WebSocketChannel channel, int code, String reason) {
            events.add("close frame:" + code + ":" + reason);
        }

        @Override
        public void onClosed(WebSocketChannel channel, String cause) {
            events.add("closed:" + cause);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start(WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).handleCloseFrames(false).dropPongFrames(false).build(), Script::new);
        loop = new EventLoop("test-loop");
    }

    @AfterEach
    void stop() {
        loop.close();
        server.close();
    }

    private Endpoint endpoint() throws Exception {
        return Endpoint.of("127.0.0.1", server.port(), "/?v=10", "127.0.0.1");
    }

    @Test
    void upgradesReceivesEveryMessageAnswersPingsAndSendsMaskedText() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketChannel channel = new WebSocketChannel(loop, recorder, 1 << 20);
        long before = WallClock.nanos();
        channel.connect(endpoint());
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.contains("message:frag-ment-ed"));
        long after = WallClock.nanos();
        assertThat(recorder.events).containsExactly("connected", "open", "message:{\"op\":10}", "message:LARGE",
                "message:frag-ment-ed");
        assertThat(recorder.stamps).as("the kernel's receive stamps, on the wall clock")
                .allSatisfy(stamp -> assertThat(stamp).isBetween(before, after));
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.contains("pong:pi"));
        loop.execute(() -> channel.sendText("{\"op\":1,\"d\":null}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.contains("text:{\"op\":1,\"d\":null}"));
        loop.execute(() -> channel.close(1000, "done", 5_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.contains("closed:null"));
        assertThat(serverGot).contains("close:1000");
        assertThat(recorder.events).contains("close frame:1000:");
    }

    @Test
    void aServerCloseIsAnsweredAndEndsCleanly() throws Exception {
        Recorder recorder = new Recorder();
        new WebSocketChannel(loop, recorder, 1 << 20).connect(endpoint());
        await().atMost(Duration.ofSeconds(10)).until(() -> serverSide.get() != null);
        serverSide.get().writeAndFlush(new CloseWebSocketFrame(4000, "try again"));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.stream().anyMatch(e -> e.startsWith("closed")));
        assertThat(recorder.events).contains("close frame:4000:try again", "closed:null");
        await().atMost(Duration.ofSeconds(10)).until(() -> serverGot.contains("close:4000"));
    }

    @Test
    void aConnectionCutWithoutACloseFrameSaysSo() throws Exception {
        Recorder recorder = new Recorder();
        new WebSocketChannel(loop, recorder, 1 << 20).connect(endpoint());
        await().atMost(Duration.ofSeconds(10)).until(() -> serverSide.get() != null);
        // Past the pipeline: Netty's protocol handler would send a close frame on an ordinary close().
        Channel side = serverSide.get();
        side.eventLoop().execute(() -> side.unsafe().closeForcibly());
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.stream().anyMatch(e -> e.startsWith("closed")));
        assertThat(recorder.events).contains("closed:end of stream without a close frame");
    }

    /**
     * A port nothing listens on: one a blocking ServerSocket held and closed, which frees it at once. (Closing the
     * Netty server's NIO listener did not: its socket stays open until the event loop's next select deregisters it,
     * so a connect in between was accepted into the backlog, then reset: "connected", then errno 104, once in CI.)
     */
    @Test
    void aRefusedConnectIsReported() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Endpoint nowhere = Endpoint.of("127.0.0.1", port, "/?v=10", "127.0.0.1");
        Recorder recorder = new Recorder();
        new WebSocketChannel(loop, recorder, 1 << 20).connect(nowhere);
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.events.isEmpty());
        assertThat(recorder.events).containsExactly("closed:connect: errno 111");
    }

    @Test
    void aFrameOverTheLimitBreaksTheConnection() throws Exception {
        Recorder recorder = new Recorder();
        new WebSocketChannel(loop, recorder, 100_000).connect(endpoint());
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.stream().anyMatch(e -> e.startsWith("closed")));
        assertThat(recorder.events).last().asString().startsWith("closed:protocol error: frame of 300000 bytes");
    }
}
