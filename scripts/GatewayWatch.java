import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GatewayWatch is a gateway client for the cluster walk-through (docs/operations.md), with nothing to install:
 * {@code java scripts/GatewayWatch.java NAME TOKEN PORT[,PORT...]} identifies on the first port, heartbeats, prints
 * every frame it gets (one line, shortened) and what it does, and reconnects as a client library does: it keeps the
 * session_id from READY and the last seq, and when its socket dies or the gateway sends op 7 it RESUMEs on the next
 * port of its list (wrapping around); after op 9 with d=false it identifies anew on that socket. It ends after
 * {@link #MAX_ATTEMPTS} connections in a row without a READY or RESUMED, or on a close code that forbids reconnecting.
 */
public final class GatewayWatch {
    private static final int SHOWN_CHARS = 200;
    /** Connections in a row that may end without READY or RESUMED before the client gives up. */
    private static final int MAX_ATTEMPTS = 6;
    /** Wait before reconnecting after a socket that died or could not be opened; op 7 reconnects at once. */
    private static final long RETRY_DELAY_MILLIS = 1000;
    private static final Pattern OP = Pattern.compile("\"op\":(\\d+)");
    private static final Pattern SEQ = Pattern.compile("\"s\":(\\d+)");
    private static final Pattern D = Pattern.compile("\"d\":(true|false|\\{)");
    private static final Pattern SESSION_ID = Pattern.compile("\"session_id\":\"([^\"]+)\"");
    private static final Pattern HEARTBEAT_INTERVAL = Pattern.compile("\"heartbeat_interval\":(\\d+)");

    private final String name;
    private final String token;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "heartbeats");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String sessionId;
    private volatile long seq = -1;
    private volatile boolean established;

    private GatewayWatch(String name, String token) {
        this.name = name;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        new GatewayWatch(args[0], args[1]).run(args[2].split(","));
    }

    private void run(String[] ports) throws InterruptedException {
        int failures = 0;
        for (int next = 0; failures < MAX_ATTEMPTS; next = (next + 1) % ports.length) {
            String port = ports[next];
            established = false;
            String end = connect(port);
            failures = established ? 0 : failures + 1;
            if (end.matches("40(04|1[0-4]) .*")) {
                print("socket to " + port + " closed: " + end + "; not reconnecting");
                return;
            }
            print("socket to " + port + " closed: " + end);
            if (!end.startsWith("op 7")) {
                Thread.sleep(RETRY_DELAY_MILLIS);
            }
        }
        print("giving up after " + MAX_ATTEMPTS + " connections without READY or RESUMED");
    }

    /** Runs one connection to its end; returns why it ended ("CODE reason", or "op 7 ..."). */
    private String connect(String port) {
        CompletableFuture<String> ended = new CompletableFuture<>();
        Connection connection = new Connection(port, ended);
        try {
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/?v=10&encoding=json"), connection).join();
        } catch (RuntimeException e) {
            return "cannot connect: " + (e.getCause() != null ? e.getCause() : e);
        }
        String end = ended.join();
        connection.stopHeartbeats();
        return end;
    }

    private void identify(WebSocket socket, String port) {
        print("identifying on " + port);
        socket.sendText("{\"op\":2,\"d\":{\"token\":\"" + token
                + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"watch\",\"device\":\"watch\"}}}", true);
    }

    private void resume(WebSocket socket, String port) {
        print("resuming on " + port + " from seq " + seq);
        socket.sendText("{\"op\":6,\"d\":{\"token\":\"" + token + "\",\"session_id\":\"" + sessionId
                + "\",\"seq\":" + seq + "}}", true);
    }

    private void print(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + name + " " + line);
    }

    private static String first(Pattern pattern, String frame) {
        Matcher matcher = pattern.matcher(frame);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** One socket: answers HELLO with RESUME or IDENTIFY, tracks seq, and reacts to op 7 and op 9. */
    private final class Connection implements WebSocket.Listener {
        private final String port;
        private final CompletableFuture<String> ended;
        private final StringBuilder partial = new StringBuilder();
        private ScheduledFuture<?> beat;

        Connection(String port, CompletableFuture<String> ended) {
            this.port = port;
            this.ended = ended;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                onFrame(socket, frame);
            }
            socket.request(1);
            return null;
        }

        private void onFrame(WebSocket socket, String frame) {
            String op = first(OP, frame);
            if (!"11".equals(op)) {
                print(frame.length() > SHOWN_CHARS ? frame.substring(0, SHOWN_CHARS) + "..." : frame);
            }
            switch (op == null ? "" : op) {
                case "0" -> onDispatch(frame);
                case "10" -> onHello(socket, frame);
                case "7" -> {
                    print("op 7: closing, will resume elsewhere");
                    socket.sendClose(4000, "reconnecting");
                    ended.complete("op 7 (reconnect)");
                }
                case "9" -> {
                    if ("true".equals(first(D, frame)) && sessionId != null) {
                        resume(socket, port);
                    } else {
                        print("op 9: identifying anew");
                        sessionId = null;
                        seq = -1;
                        identify(socket, port);
                    }
                }
                default -> { }
            }
        }

        private void onDispatch(String frame) {
            String s = first(SEQ, frame);
            if (s != null) {
                seq = Long.parseLong(s);
            }
            if (frame.contains("\"t\":\"READY\"")) {
                sessionId = first(SESSION_ID, frame);
                established = true;
            } else if (frame.contains("\"t\":\"RESUMED\"")) {
                print("RESUMED at seq " + seq);
                established = true;
            }
        }

        private void onHello(WebSocket socket, String frame) {
            long interval = Long.parseLong(first(HEARTBEAT_INTERVAL, frame));
            beat = heartbeats.scheduleAtFixedRate(
                    () -> socket.sendText("{\"op\":1,\"d\":" + (seq < 0 ? "null" : seq) + "}", true),
                    interval / 2, interval / 2, TimeUnit.MILLISECONDS);
            if (sessionId != null) {
                resume(socket, port);
            } else {
                identify(socket, port);
            }
        }

        void stopHeartbeats() {
            if (beat != null) {
                beat.cancel(false);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            ended.complete(code + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            ended.complete("1006 " + error);
        }
    }
}
