package one.derailed.gateway.bench;

import java.util.concurrent.ThreadLocalRandom;
import one.derailed.gateway.bench.wire.EventLoop;
import one.derailed.gateway.bench.wire.WallClock;
import one.derailed.gateway.bench.wire.WebSocketChannel;
import one.derailed.gateway.bench.wire.WebSocketListener;

/**
 * BenchSession is one gateway session of the load generator, on one {@link WebSocketChannel} at a time, all on its
 * event loop. It answers HELLO with heartbeats (first after interval * random, then every interval), identifies when
 * the {@link Fleet} lets it, and reads each frame in place with {@link FrameScan}: the envelope's {@code op},
 * {@code s} and {@code t}, and in the timed events the publish time and number at the start of {@code d}. With
 * reconnecting on, a session that loses its socket (or is told op 7) connects to the next endpoint and RESUMEs like
 * a client library, identifying anew after op 9.
 */
final class BenchSession implements WebSocketListener {
    static final byte CONNECTING = 0;
    static final byte OPEN = 1;
    static final byte HELLO = 2;
    static final byte IDENTIFYING = 3;
    static final byte RESUMING = 4;
    static final byte READY = 5;
    static final byte CLOSED = 6;

    /** Largest message accepted (a READY or GUILD_CREATE of a big guild). */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    /** Sockets in a row without READY or RESUMED before a reconnecting session gives up (as GatewayWatch). */
    private static final int MAX_FAILED_ATTEMPTS = 6;
    /** A quarter of the margin a heartbeat has (the server's 61,875 ms timeout less the 41,250 ms interval). */
    static final long LATE_NANOS = 5_000_000_000L;
    private static final byte[] OFFLINE = FrameScan.ascii("offline");
    private static final byte[] PRESENCE_UPDATE = FrameScan.ascii("PRESENCE_UPDATE");

    final Fleet fleet;
    final int index;
    final ClientLoop loop;
    private final boolean observer;
    private WebSocketChannel channel;
    volatile byte state = CONNECTING;
    private int attempt;
    private long seq = -1;
    private String sessionId;
    private long identifySentNanos;
    private long lostNanos;
    private int failedAttempts;
    private boolean ackPending;
    private long intervalMillis;
    private EventLoop.Timer heartbeat;
    private StreamDecoder decoder;

    BenchSession(Fleet fleet, int index, ClientLoop loop, boolean observer) {
        this.fleet = fleet;
        this.index = index;
        this.loop = loop;
        this.observer = observer;
    }

    /** Opens a socket to this session's next endpoint (from any thread). */
    void connect() {
        state = CONNECTING;
        WebSocketChannel next = new WebSocketChannel(loop.loop, this, MAX_MESSAGE_BYTES);
        channel = next;
        next.connect(fleet.endpoint(index, attempt++));
    }

    @Override
    public void onConnected(WebSocketChannel ch, long nanos) {
    }

    @Override
    public void onOpen(WebSocketChannel ch, long nanos) {
        state = OPEN;
        decoder = StreamDecoder.forCompression(fleet.compress());
        fleet.stats.add(Counter.HANDSHAKES);
    }

    @Override
    public void onMessage(WebSocketChannel ch, byte[] payload, int offset, int length, boolean binary, long nanos,
                          long wallNanos) {
        LoopStats counts = loop.stats;
        counts.framesIn++;
        counts.wireBytesIn += length;
        byte[] json = payload;
        int from = offset;
        int to = offset + length;
        if (decoder != null) {
            try {
                int n = decoder.decode(payload, offset, length, loop.scratch);
                if (n < 0) {
                    return;
                }
                json = loop.scratch.bytes;
                from = 0;
                to = n;
            } catch (Exception e) {
                fleet.stats.add(Counter.DECODE_FAILURES);
                fleet.stats.error("decompression failed: " + e.getClass().getSimpleName());
                ch.abort();
                return;
            }
        } else if (binary) {
            fleet.stats.add(Counter.DECODE_FAILURES);
            fleet.stats.error("binary frame without compression");
            return;
        }
        counts.jsonBytesIn += to - from;
        onJson(json, from, to, nanos, wallNanos);
    }

    private void onJson(byte[] a, int from, int to, long now, long wallNow) {
        long op = FrameScan.decimal(a, FrameScan.after(a, from, Math.min(to, from + 16), FrameScan.OP), to);
        switch ((int) op) {
            case 0 -> onDispatch(a, from, to, now, wallNow);
            case 10 -> {
                long interval = FrameScan.decimal(a, FrameScan.after(a, from, to, FrameScan.HEARTBEAT_INTERVAL), to);
                if (wallNow > 0 && WallClock.nanos() - wallNow >= LATE_NANOS) {
                    fleet.stats.add(Counter.LATE_HELLOS);
                }
                onHello(interval > 0 ? interval : 41_250);
            }
            case 11 -> {
                ackPending = false;
                fleet.stats.add(Counter.HEARTBEAT_ACKS);
            }
            case 1 -> {
                fleet.stats.add(Counter.HEARTBEAT_REQUESTS);
                sendHeartbeat();
            }
            case 7 -> {
                fleet.stats.add(Counter.RECONNECT_REQUESTS);
                channel.close(4000, "reconnect asked", CLOSE_GRACE_MILLIS);
            }
            case 9 -> onInvalidSession();
            default -> fleet.stats.error("unexpected op " + op);
        }
    }

    private void onDispatch(byte[] a, int from, int to, long now, long wallNow) {
        LoopStats counts = loop.stats;
        int seqAt = FrameScan.after(a, from, Math.min(to, from + 32), FrameScan.SEQ);
        long s = FrameScan.decimal(a, seqAt, to);
        if (s >= 0) {
            if (seq >= 0 && s != seq + 1) {
                counts.sequenceGaps++;
            }
            seq = s;
        }
        int nameAt = FrameScan.after(a, Math.max(from, seqAt), Math.min(to, from + 128), FrameScan.EVENT);
        if (FrameScan.nameAt(a, nameAt, to, fleet.eventName)) {
            int nonceAt = FrameScan.after(a, nameAt, Math.min(to, nameAt + fleet.eventName.length + 32),
                    FrameScan.NONCE);
            if (nonceAt < 0) {
                nonceAt = FrameScan.after(a, nameAt, to, FrameScan.NONCE);
            }
            long sent = FrameScan.decimal(a, nonceAt, to);
            if (sent > 0) {
                int dash = FrameScan.skipDigits(a, nonceAt, to);
                long number = dash < to && a[dash] == '-' ? FrameScan.decimal(a, dash + 1, to) : 0;
                counts.delivered(Math.max(0, wallNow - sent) / 1000, number);
                return;
            }
            counts.otherDispatches++;
        } else if (FrameScan.nameAt(a, nameAt, to, FrameScan.READY)) {
            onReady(a, nameAt, to, now);
        } else if (FrameScan.nameAt(a, nameAt, to, FrameScan.RESUMED)) {
            onResumed(now);
        } else if (observer && FrameScan.nameAt(a, nameAt, to, PRESENCE_UPDATE)) {
            int status = FrameScan.after(a, nameAt, to, FrameScan.STATUS);
            if (FrameScan.nameAt(a, status, to, OFFLINE)) {
                fleet.offlineSeen(now);
            }
            counts.otherDispatches++;
        } else {
            counts.otherDispatches++;
        }
    }

    private void onReady(byte[] a, int from, int to, long now) {
        sessionId = FrameScan.string(a, FrameScan.after(a, from, to, FrameScan.SESSION_ID), to);
        if (state != IDENTIFYING) {
            return;
        }
        fleet.stats.readyLatency.recordValue((now - identifySentNanos) / 1000);
        state = READY;
        fleet.onReady(this, now - identifySentNanos, now);
        recovered(now);
    }

    private void onResumed(long now) {
        if (state != RESUMING) {
            return;
        }
        state = READY;
        fleet.stats.add(Counter.RESUMES);
        fleet.onResumed(this);
        recovered(now);
    }

    private void recovered(long now) {
        if (lostNanos > 0) {
            fleet.stats.recoveryLatency.recordValue((now - lostNanos) / 1000);
            fleet.stats.add(Counter.RECOVERED);
            lostNanos = 0;
        }
        failedAttempts = 0;
    }

    private void onInvalidSession() {
        fleet.stats.add(Counter.INVALID_SESSIONS);
        if (!fleet.reconnecting()) {
            channel.close(1000, "invalid session", CLOSE_GRACE_MILLIS);
            return;
        }
        byte before = state;
        sessionId = null;
        seq = -1;
        state = HELLO;
        fleet.onInvalidSession(this, before);
    }

    private void onHello(long interval) {
        if (state != OPEN) {
            return;
        }
        intervalMillis = interval;
        fleet.stats.add(Counter.HELLOS);
        long first = (long) (interval * ThreadLocalRandom.current().nextDouble());
        heartbeat = loop.loop.schedule(first * 1_000_000L, this::heartbeatDue);
        if (sessionId != null && fleet.reconnecting()) {
            state = RESUMING;
            fleet.onHelloResuming(this);
            channel.sendText(fleet.resumePayload(index, sessionId, seq));
        } else {
            state = HELLO;
            fleet.onHello(this);
        }
    }

    private void heartbeatDue() {
        if (state == CLOSED || channel.isClosed()) {
            return;
        }
        if (System.nanoTime() - heartbeat.dueNanos() >= LATE_NANOS) {
            fleet.stats.add(Counter.LATE_HEARTBEATS);
        }
        sendHeartbeat();
        heartbeat = loop.loop.schedule(intervalMillis * 1_000_000L, this::heartbeatDue);
    }

    private void sendHeartbeat() {
        if (!channel.isOpen()) {
            return;
        }
        if (ackPending) {
            fleet.stats.add(Counter.MISSED_ACKS);
        }
        ackPending = true;
        fleet.stats.add(Counter.HEARTBEATS_SENT);
        channel.sendText("{\"op\":1,\"d\":" + (seq < 0 ? "null" : Long.toString(seq)) + "}");
    }

    /** Sends IDENTIFY; the Fleet calls it on this session's loop once the identify pacing allows. */
    void identify() {
        if (state != HELLO || !channel.isOpen()) {
            fleet.identifyNotSent(this);
            return;
        }
        state = IDENTIFYING;
        identifySentNanos = System.nanoTime();
        fleet.stats.add(Counter.IDENTIFIES);
        byte[] payload = fleet.identifyPayload(index, observer);
        channel.sendText(payload, 0, payload.length);
    }

    @Override
    public void onCloseFrame(WebSocketChannel ch, int code, String reason) {
        if (!fleet.stopping()) {
            fleet.stats.closed(code, reason);
        }
    }

    @Override
    public void onClosed(WebSocketChannel ch, String cause) {
        if (ch != channel) {
            return;
        }
        byte before = state;
        state = CLOSED;
        if (heartbeat != null) {
            heartbeat.cancel();
            heartbeat = null;
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        ackPending = false;
        if (!fleet.stopping()) {
            if (before == CONNECTING && cause != null) {
                fleet.stats.add(Counter.CONNECT_FAILURES);
                fleet.stats.error(cause.startsWith("connect") ? cause : "before the upgrade: " + cause);
            } else if (cause != null) {
                fleet.stats.add(Counter.DROPS);
            }
        }
        // A socket that never got through its upgrade (refused, say 408, or not connected) is tried again in every
        // scenario, as a client library tries a failed connection again: no session was lost, none had begun. With
        // reconnecting on, a client whose socket died (no close frame) may be one that is gone for good; one the
        // server closed (op 7, a 4000 ready timeout) comes back, as a client library does.
        boolean neverUpgraded = before == CONNECTING && cause != null;
        boolean departing = !neverUpgraded && cause != null && lostNanos == 0 && fleet.departs(index);
        boolean again = !fleet.stopping() && !departing && failedAttempts < MAX_FAILED_ATTEMPTS
                && (neverUpgraded || fleet.reconnecting() && (before >= HELLO || lostNanos > 0));
        fleet.onClosed(this, before, again);
        if (again) {
            if (lostNanos == 0 && before >= HELLO) {
                lostNanos = System.nanoTime();
            }
            if (before < READY) {
                failedAttempts++;
            }
            fleet.reconnectLater(this);
        }
    }

    /** Closes with a close frame (from any thread), then cuts the socket if the server does not answer in time. */
    void closeNormally(int code, String reason) {
        WebSocketChannel ch = channel;
        if (ch != null) {
            loop.loop.execute(() -> ch.close(code, reason, CLOSE_GRACE_MILLIS));
        }
    }

    /** Cuts the socket with no close frame (from any thread). */
    void abort() {
        WebSocketChannel ch = channel;
        if (ch != null) {
            loop.loop.execute(ch::abort);
        }
    }
}
