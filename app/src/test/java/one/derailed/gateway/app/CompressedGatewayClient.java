package one.derailed.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import one.derailed.gateway.protocol.Json;

/**
 * CompressedGatewayClient is a JDK WebSocket client that decodes what a compressing gateway sends the way a Discord
 * library does: for zlib-stream one {@link Inflater} for the whole connection, for zstd-stream one streaming zstd
 * decoder, for IDENTIFY {@code compress: true} a fresh inflater per binary message (text messages as they are).
 * Every message it receives must decode to exactly one JSON object; it records each with how it came.
 */
final class CompressedGatewayClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    enum Mode { ZLIB_STREAM, ZSTD_STREAM, PAYLOAD }

    /** One received gateway message: its JSON, whether it came binary, and the bytes on the wire. */
    record Received(JsonNode json, boolean binary, byte[] wire) {}

    private final Mode mode;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<GatewayClient.Close> closed = new CompletableFuture<>();
    private final Inflater inflater = new Inflater();
    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final WebSocket socket;

    CompressedGatewayClient(int port, String query, Mode mode) {
        this.mode = mode;
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(GatewayClient.WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + query), new Listener()).join();
    }

    synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    void identify(String token, boolean compress) {
        send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"test\","
                + "\"device\":\"test\"},\"compress\":" + compress + "}}");
    }

    Received next() {
        try {
            Received message = received.poll(GatewayClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("no message within " + GatewayClient.WAIT
                        + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Skips messages until a dispatch of {@code event}. */
    Received awaitDispatch(String event) {
        while (true) {
            Received message = next();
            if (message.json().path("op").intValue() == 0 && event.equals(message.json().path("t").asText())) {
                return message;
            }
        }
    }

    GatewayClient.Close awaitClose() {
        return closed.orTimeout(GatewayClient.WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
        synchronized (this) {
            inflater.end();
            zstd.close();
        }
    }

    private synchronized void onMessage(byte[] wire, boolean binary) {
        byte[] text;
        if (!binary) {
            if (mode != Mode.PAYLOAD) {
                fail("a text message on a " + mode + " connection");
                return;
            }
            text = wire;
        } else {
            text = switch (mode) {
                case ZLIB_STREAM -> inflateStream(wire);
                case ZSTD_STREAM -> zstdStream(wire);
                case PAYLOAD -> inflateWhole(wire);
            };
        }
        try {
            received.add(new Received(Json.MAPPER.readTree(text), binary, wire));
        } catch (Exception e) {
            fail("a message that is not one JSON object: " + new String(text, StandardCharsets.UTF_8));
        }
    }

    private byte[] inflateStream(byte[] wire) {
        inflater.setInput(wire);
        return inflate(inflater);
    }

    private static byte[] inflateWhole(byte[] wire) {
        Inflater fresh = new Inflater();
        try {
            fresh.setInput(wire);
            byte[] text = inflate(fresh);
            if (!fresh.finished()) {
                throw new AssertionError("a compress:true payload that is not a whole zlib stream");
            }
            return text;
        } finally {
            fresh.end();
        }
    }

    private static byte[] inflate(Inflater inflater) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[32 * 1024];
        try {
            while (true) {
                int n = inflater.inflate(chunk);
                out.write(chunk, 0, n);
                if (n < chunk.length && (inflater.needsInput() || inflater.finished())) {
                    return out.toByteArray();
                }
            }
        } catch (DataFormatException e) {
            throw new AssertionError("not a valid zlib stream", e);
        }
    }

    private byte[] zstdStream(byte[] wire) {
        ByteBuffer src = ByteBuffer.wrap(wire);
        ByteBuffer dst = ByteBuffer.allocate(Math.max(4096, wire.length * 8));
        while (true) {
            if (!dst.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(dst.capacity() * 2);
                bigger.put(dst.flip());
                dst = bigger;
            }
            zstd.decompressByteBufferStream(dst, src);
            if (!src.hasRemaining() && dst.hasRemaining()) {
                byte[] text = new byte[dst.position()];
                dst.flip().get(text);
                return text;
            }
        }
    }

    private void fail(String what) {
        closed.completeExceptionally(new AssertionError("the gateway sent " + what));
        received.add(new Received(Json.MAPPER.createObjectNode().put("op", -1).put("error", what), false,
                new byte[0]));
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final StringBuilder partialText = new StringBuilder();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                try {
                    onMessage(message, true);
                } catch (AssertionError e) {
                    fail(e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partialText.append(data);
            if (last) {
                byte[] message = partialText.toString().getBytes(StandardCharsets.UTF_8);
                partialText.setLength(0);
                onMessage(message, false);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new GatewayClient.Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new GatewayClient.Close(1006, String.valueOf(error)));
        }
    }
}
