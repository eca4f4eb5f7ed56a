package one.derailed.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.protocol.Json;

/** GatewayClient is a real WebSocket client over loopback that records every frame and the close it got. */
final class GatewayClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private final java.util.concurrent.ScheduledExecutorService heartbeats =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "test-client-heartbeats");
                thread.setDaemon(true);
                return thread;
            });
    private volatile long lastSeq;
    private volatile String readySessionId;
    private volatile boolean swallowAcks;

    record Close(int code, String reason) {}

    private GatewayClient(URI uri) {
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, new Listener()).join();
    }

    static GatewayClient connect(int port) {
        return connect(port, "/?v=10&encoding=json");
    }

    static GatewayClient connect(int port, String pathAndQuery) {
        return new GatewayClient(URI.create("ws://127.0.0.1:" + port + pathAndQuery));
    }

    /** Connects, checks HELLO, identifies with {@code token} and returns READY's d. */
    static GatewayClient identified(int port, String token) {
        return identified(port, token, null);
    }

    static GatewayClient identified(int port, String token, Integer intents) {
        GatewayClient client = connect(port);
        client.expectOp(10);
        client.identify(token, intents);
        return client;
    }

    void identify(String token, Integer intents) {
        send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"test\","
                + "\"device\":\"test\"}" + (intents == null ? "" : ",\"intents\":" + intents) + "}}");
    }

    void resume(String token, String sessionId, long seq) {
        send("{\"op\":6,\"d\":{\"token\":\"" + token + "\",\"session_id\":\"" + sessionId + "\",\"seq\":"
                + seq + "}}");
    }

    /** Sends a heartbeat with the last sequence seen every {@code period}, as a client library does. */
    GatewayClient heartbeatEvery(Duration period) {
        swallowAcks = true;
        heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!socket.isOutputClosed()) {
                    send("{\"op\":1,\"d\":" + (lastSeq == 0 ? "null" : lastSeq) + "}");
                }
            } catch (RuntimeException socketGone) {
                heartbeats.shutdown();
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops heartbeating, so the server sees a zombie. */
    void stopHeartbeats() {
        heartbeats.shutdownNow();
    }

    /**
     * Sends one text message, failing after {@link #WAIT} rather than hanging on a socket that no longer drains;
     * synchronized because the JDK client allows one send in flight at a time.
     */
    synchronized void send(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    synchronized void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The session_id of the READY this client received, or null before it. */
    String readySessionId() {
        return readySessionId;
    }

    /** The next frame, failing the test when none comes in time. */
    JsonNode next() {
        try {
            JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + (closed.isDone() ? "; closed " + closed.join()
                        : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next frame within {@code timeout}, or null. */
    JsonNode poll(Duration timeout) {
        try {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Every frame already received, without waiting. */
    java.util.List<JsonNode> drainReceived() {
        java.util.List<JsonNode> received = new java.util.ArrayList<>();
        frames.drainTo(received);
        return received;
    }

    JsonNode expectOp(int op) {
        JsonNode frame = next();
        if (frame.path("op").intValue() != op) {
            throw new AssertionError("expected op " + op + " but got " + frame);
        }
        return frame;
    }

    /** The next dispatch, which must be {@code event}. */
    JsonNode expectDispatch(String event) {
        JsonNode frame = expectOp(0);
        if (!event.equals(frame.path("t").asText())) {
            throw new AssertionError("expected " + event + " but got " + frame);
        }
        return frame;
    }

    /** Skips dispatches until one of {@code event} comes (e.g. presence updates around the one under test). */
    JsonNode awaitDispatch(String event) {
        while (true) {
            JsonNode frame = next();
            if (frame.path("op").intValue() == 0 && event.equals(frame.path("t").asText())) {
                return frame;
            }
        }
    }

    Close awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    synchronized void closeWith(int code) {
        if (!socket.isOutputClosed()) {
            socket.sendClose(code, "bye").orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(alreadyGone -> null).join();
        }
    }

    /** Drops the TCP connection without a close frame. */
    void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = Json.MAPPER.readTree(partial.toString());
                    if (frame.path("s").isIntegralNumber()) {
                        lastSeq = frame.get("s").longValue();
                    }
                    if ("READY".equals(frame.path("t").asText())) {
                        readySessionId = frame.at("/d/session_id").asText();
                    }
                    if (!(swallowAcks && frame.path("op").intValue() == 11)) {
                        frames.add(frame);
                    }
                } catch (Exception e) {
                    closed.completeExceptionally(new AssertionError("server sent invalid JSON: " + partial));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}
