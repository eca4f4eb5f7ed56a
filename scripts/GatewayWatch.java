import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * GatewayWatch is a gateway client for the cluster walk-through (docs/operations.md), with nothing to install:
 * {@code java scripts/GatewayWatch.java NAME TOKEN PORT[,PORT...]} identifies on the first port, heartbeats, prints
 * every frame it gets (one line, shortened), and when its socket dies identifies anew on the next port, as a client
 * library does after a crash. It stops when the last port's socket closes.
 */
public final class GatewayWatch {
    private static final int SHOWN_CHARS = 200;

    public static void main(String[] args) throws Exception {
        String name = args[0];
        String token = args[1];
        var heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heartbeats");
            thread.setDaemon(true);
            return thread;
        });
        for (String port : args[2].split(",")) {
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/?v=10&encoding=json"), new Listener(name, closed))
                    .join();
            print(name, "connected to " + port + ", identifying");
            socket.sendText("{\"op\":2,\"d\":{\"token\":\"" + token
                    + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"watch\",\"device\":\"watch\"}}}", true).join();
            var beat = heartbeats.scheduleAtFixedRate(() -> socket.sendText("{\"op\":1,\"d\":null}", true),
                    10, 10, TimeUnit.SECONDS);
            print(name, "socket to " + port + " closed: " + closed.join());
            beat.cancel(false);
        }
    }

    private static void print(String name, String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + name + " " + line);
    }

    private record Listener(String name, CompletableFuture<String> closed) implements WebSocket.Listener {
        private static final StringBuilder PARTIAL = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            PARTIAL.append(data);
            if (last) {
                String frame = PARTIAL.toString();
                PARTIAL.setLength(0);
                if (!frame.startsWith("{\"op\":11")) {
                    print(name, frame.length() > SHOWN_CHARS ? frame.substring(0, SHOWN_CHARS) + "..." : frame);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.complete("1006 " + error);
        }
    }
}
