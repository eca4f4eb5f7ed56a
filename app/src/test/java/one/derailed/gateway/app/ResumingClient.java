package one.derailed.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.protocol.Json;

/**
 * ResumingClient keeps one gateway session going the way a client library does (scripts/GatewayWatch.java is the same
 * client for the walk-through): it identifies on the first port of its list, heartbeats, keeps the session_id from
 * READY and the last {@code s}, and when the gateway sends op 7 or the socket dies it RESUMEs on the next port of its
 * list (wrapping around; at once after op 7, after {@link #RETRY_DELAY} otherwise); after op 9 with {@code d: false},
 * or a close that ends the session (4007, 4009), it identifies anew, which starts a new session. It gives up after
 * {@link #MAX_FAILED_CONNECTIONS} connections in a row without READY or RESUMED, or on a close that forbids
 * reconnecting.
 *
 * <p>It records every dispatch of every session it had, in arrival order ({@link #dispatches}), and what happened to
 * each connection ({@link #history}), for the tests to judge.
 */
final class ResumingClient implements AutoCloseable {
    /** One dispatch as the client saw it: of its {@code session}-th session (from 1), on {@code port}. */
    record Dispatch(int session, long seq, String type, JsonNode d, int port) {
        /** The K of a MESSAGE_CREATE whose content is "n=K", or -1. */
        int number() {
            String content = d.path("content").asText("");
            return "MESSAGE_CREATE".equals(type) && content.startsWith("n=")
                    ? Integer.parseInt(content.substring(2)) : -1;
        }

        boolean about(String guildId) {
            return guildId.equals(d.path("id").asText());
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MAX_FAILED_CONNECTIONS = 40;
    /** A client library's pause before reconnecting after a socket that died or could not be opened. */
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);
    /** Heartbeats this often (or at HELLO's interval, if shorter); a heartbeat not acknowledged by the next one
     * means a zombie connection, which the client drops and resumes elsewhere, as Discord's docs ask. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    final String name;
    private final String token;
    private final List<Integer> ports;
    final List<Dispatch> dispatches = new CopyOnWriteArrayList<>();
    final List<String> history = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeats;
    private final Thread runner;
    private volatile String sessionId;
    private volatile long seq;
    private volatile int session;
    private volatile boolean closing;
    private volatile WebSocket current;
    private volatile int reconnectsAsked;
    private volatile int resumed;
    private volatile int identifiedAnew;

    private ResumingClient(String name, String token, List<Integer> ports) {
        this.name = name;
        this.token = token;
        this.ports = List.copyOf(ports);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heartbeats-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.runner = new Thread(this::run, "client-" + name);
        runner.setDaemon(true);
    }

    /** Starts a client that identifies on {@code ports.get(0)} and fails over to the others in turn. */
    static ResumingClient start(String name, String token, List<Integer> ports) {
        ResumingClient client = new ResumingClient(name, token, ports);
        client.runner.start();
        return client;
    }

    /** How many times the gateway sent op 7, how many RESUMEs succeeded, how many sessions it had to start anew. */
    int reconnectsAsked() {
        return reconnectsAsked;
    }

    int resumed() {
        return resumed;
    }

    int identifiedAnew() {
        return identifiedAnew;
    }

    /** The number of sessions this client has had (1 as soon as the first READY came). */
    int sessions() {
        return session;
    }

    /** Whether the client has a session that got GUILD_CREATE for {@code guildId} since its READY. */
    boolean hasGuild(String guildId) {
        int latest = session;
        return latest > 0 && dispatches.stream().anyMatch(d -> d.session() == latest
                && "GUILD_CREATE".equals(d.type()) && d.about(guildId));
    }

    /** Whether the event "n={@code number}" reached the client's current session. */
    boolean received(int number) {
        int latest = session;
        return dispatches.stream().anyMatch(d -> d.session() == latest && d.number() == number);
    }

    /** Whether the client is still trying (it has not given up or been closed). */
    boolean running() {
        return runner.isAlive();
    }

    private void run() {
        int failures = 0;
        for (int next = 0; !closing && failures < MAX_FAILED_CONNECTIONS; next++) {
            int port = ports.get(next % ports.size());
            Connection connection = new Connection(port);
            String end = connection.run();
            if (closing) {
                return;
            }
            history.add(port + ": " + end);
            failures = connection.established ? 0 : failures + 1;
            if (end.matches("40(04|1[0-4]) .*")) {
                history.add("not reconnecting after " + end);
                return;
            }
            if (end.matches("40(07|09) .*")) {
                sessionId = null; // this session is over: the next connection identifies anew
            }
            if (!end.startsWith("op 7")) {
                try {
                    Thread.sleep(RETRY_DELAY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        if (!closing) {
            history.add("gave up after " + MAX_FAILED_CONNECTIONS + " connections without READY or RESUMED");
        }
    }

    @Override
    public void close() {
        closing = true;
        WebSocket socket = current;
        if (socket != null) {
            socket.abort();
        }
        runner.interrupt();
        heartbeats.shutdownNow();
        try {
            runner.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        int latest = session;
        java.util.Map<String, Integer> types = new java.util.TreeMap<>();
        int lastNumber = -1;
        List<String> others = new ArrayList<>();
        for (Dispatch dispatch : ofSession(latest)) {
            types.merge(dispatch.type(), 1, Integer::sum);
            lastNumber = Math.max(lastNumber, dispatch.number());
            if (dispatch.number() < 0) {
                others.add(dispatch.type() + " s=" + dispatch.seq() + " @" + dispatch.port());
            }
        }
        return name + " (sessions " + session + ", op 7 " + reconnectsAsked + ", resumed " + resumed
                + ", identified anew " + identifiedAnew + "; latest session got " + types + ", up to n=" + lastNumber
                + ", s=" + seq + "; " + others + "; " + history + ")";
    }

    /** One socket, from connect to its end: answers HELLO with RESUME or IDENTIFY and reacts to ops 1, 7, 9, 11. */
    private final class Connection implements WebSocket.Listener {
        private final int port;
        private final CompletableFuture<String> ended = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private ScheduledFuture<?> beat;
        private volatile boolean acknowledged = true;
        private volatile boolean established;
        private volatile WebSocket socket;

        Connection(int port) {
            this.port = port;
        }

        /** Runs the connection to its end; returns why it ended ("CODE reason", "op 7", "cannot connect: ..."). */
        String run() {
            try {
                socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/?v=10&encoding=json"), this)
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "cannot connect: " + (e.getCause() != null ? e.getCause() : e);
            }
            current = socket;
            try {
                return ended.get();
            } catch (Exception e) {
                return "interrupted";
            } finally {
                if (beat != null) {
                    beat.cancel(false);
                }
                socket.abort();
            }
        }

        private synchronized void send(String text) {
            try {
                socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            } catch (Exception gone) {
                end("1006 cannot send: " + gone);
            }
        }

        private void end(String why) {
            if (ended.complete(why)) {
                socket.abort();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!ended.isDone()) {
                    try {
                        onFrame(Json.MAPPER.readTree(text));
                    } catch (Exception e) {
                        history.add(port + ": unreadable frame " + text);
                        end("1006 unreadable frame");
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        private void onFrame(JsonNode frame) {
            switch (frame.path("op").asInt(-1)) {
                case 0 -> onDispatch(frame);
                case 1 -> heartbeat();
                case 7 -> {
                    reconnectsAsked++;
                    history.add(port + ": op 7 after s=" + seq);
                    socket.sendClose(4000, "reconnecting");
                    end("op 7");
                }
                case 9 -> {
                    if (frame.path("d").asBoolean(false) && sessionId != null) {
                        resume();
                    } else {
                        history.add(port + ": op 9, identifying anew (had s=" + seq + ")");
                        sessionId = null;
                        identify();
                    }
                }
                case 10 -> onHello(frame);
                case 11 -> acknowledged = true;
                default -> history.add(port + ": unexpected " + frame);
            }
        }

        private void onDispatch(JsonNode frame) {
            String type = frame.path("t").asText();
            long s = frame.path("s").asLong();
            if ("READY".equals(type)) {
                session++;
                sessionId = frame.at("/d/session_id").asText();
                established = true;
            } else if ("RESUMED".equals(type)) {
                resumed++;
                established = true;
                history.add(port + ": RESUMED at s=" + s);
            }
            seq = s;
            dispatches.add(new Dispatch(session, s, type, frame.path("d"), port));
        }

        private void onHello(JsonNode frame) {
            long interval = Math.min(frame.at("/d/heartbeat_interval").asLong(), HEARTBEAT.toMillis());
            beat = heartbeats.scheduleAtFixedRate(() -> {
                if (!acknowledged) {
                    end("1006 heartbeat not acknowledged (zombie connection)");
                    return;
                }
                heartbeat();
            }, interval, interval, TimeUnit.MILLISECONDS);
            if (sessionId != null) {
                resume();
            } else {
                identify();
            }
        }

        private void heartbeat() {
            acknowledged = false;
            send("{\"op\":1,\"d\":" + (seq == 0 ? "null" : seq) + "}");
        }

        private void identify() {
            if (session > 0) {
                identifiedAnew++;
            }
            seq = 0;
            send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\",\"browser\":\""
                    + name + "\",\"device\":\"test\"}}}");
        }

        private void resume() {
            history.add(port + ": resuming from s=" + seq);
            send("{\"op\":6,\"d\":{\"token\":\"" + token + "\",\"session_id\":\"" + sessionId + "\",\"seq\":"
                    + seq + "}}");
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("1006 " + error);
        }
    }

    /** Every dispatch of the client's {@code number}-th session. */
    List<Dispatch> ofSession(int number) {
        List<Dispatch> of = new ArrayList<>();
        for (Dispatch dispatch : dispatches) {
            if (dispatch.session() == number) {
                of.add(dispatch);
            }
        }
        return of;
    }
}
