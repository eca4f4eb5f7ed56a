package one.derailed.gateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * BenchSession is one gateway session of the load generator, the last handler of its channel's pipeline. It lives on
 * its channel's event loop: it answers HELLO with heartbeats (first after interval * random, then every interval),
 * identifies when the {@link Fleet} lets it, times IDENTIFY -> READY and publish -> receive, and counts everything
 * else. It keeps no buffers between frames ({@link Scratch} is per thread), so an idle session costs a few objects.
 */
final class BenchSession extends ChannelInboundHandlerAdapter {
    static final byte CONNECTING = 0;
    static final byte OPEN = 1;
    static final byte HELLO = 2;
    static final byte IDENTIFYING = 3;
    static final byte READY = 4;
    static final byte CLOSED = 5;

    private static final long CLOSE_GRACE_MILLIS = 2_000;

    final Fleet fleet;
    final int index;
    Channel channel;
    volatile byte state = CONNECTING;
    private long seq = -1;
    private long identifySentNanos;
    long connectStartNanos;
    private long activeNanos;
    private long handshakeNanos;
    private boolean ackPending;
    private boolean closeFrameSeen;
    private ScheduledFuture<?> heartbeat;
    private StreamDecoder decoder;

    BenchSession(Fleet fleet, int index) {
        this.fleet = fleet;
        this.index = index;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            handshakeNanos = Clock.now();
            state = OPEN;
            decoder = StreamDecoder.forCompression(fleet.compress());
            fleet.stats.handshakes.increment();
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fleet.stats.errors("handshake timeout");
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        activeNanos = Clock.now();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case TextWebSocketFrame text -> onMessage(ctx, text.content(), false);
                case BinaryWebSocketFrame binary -> onMessage(ctx, binary.content(), true);
                case CloseWebSocketFrame close -> onClose(ctx, close);
                default -> { }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, ByteBuf content, boolean binary) {
        Stats stats = fleet.stats;
        stats.framesIn.increment();
        stats.wireBytesIn.add(content.readableBytes());
        Scratch scratch = Scratch.get();
        int length;
        if (decoder != null) {
            try {
                length = decoder.decode(content, scratch);
            } catch (Exception e) {
                stats.decodeFailures.increment();
                fleet.stats.errors("decompression failed: " + e.getClass().getSimpleName());
                ctx.close();
                return;
            }
            if (length < 0) {
                return;
            }
        } else if (binary) {
            stats.decodeFailures.increment();
            fleet.stats.errors("binary frame without compression");
            return;
        } else {
            length = scratch.copy(content);
        }
        stats.jsonBytesIn.add(length);
        onJson(ctx, scratch.bytes, length);
    }

    private void onJson(ChannelHandlerContext ctx, byte[] a, int length) {
        Stats stats = fleet.stats;
        long op = FrameScan.decimal(a, FrameScan.after(a, 0, length, FrameScan.OP), length);
        switch ((int) op) {
            case 0 -> onDispatch(a, length);
            case 10 -> {
                long interval = FrameScan.decimal(a, FrameScan.after(a, 0, length, FrameScan.HEARTBEAT_INTERVAL),
                        length);
                onHello(ctx, interval > 0 ? interval : 41_250);
            }
            case 11 -> {
                ackPending = false;
                stats.heartbeatAcks.increment();
            }
            case 1 -> {
                stats.heartbeatRequests.increment();
                sendHeartbeat();
            }
            case 7 -> {
                stats.reconnects.increment();
                closeNormally(4000, "reconnect asked");
            }
            case 9 -> {
                stats.invalidSessions.increment();
                closeNormally(1000, "invalid session");
            }
            default -> stats.errors("unexpected op " + op);
        }
    }

    private void onDispatch(byte[] a, int length) {
        long now = Clock.now();
        int seqAt = FrameScan.after(a, 0, Math.min(length, 64), FrameScan.SEQ);
        long s = FrameScan.decimal(a, seqAt, length);
        if (s >= 0) {
            if (seq >= 0 && s != seq + 1) {
                fleet.stats.errors("sequence gap");
            }
            seq = s;
        }
        int nameAt = FrameScan.after(a, 0, Math.min(length, 128), FrameScan.EVENT);
        if (FrameScan.nameAt(a, nameAt, length, fleet.eventName)) {
            int nonceAt = FrameScan.after(a, nameAt, length, FrameScan.NONCE);
            long sent = FrameScan.decimal(a, nonceAt, length);
            if (sent > 0) {
                fleet.stats.deliveryLatency.recordValue(Math.max(0, now - sent) / 1000);
                fleet.stats.deliveries.increment();
            } else {
                fleet.stats.otherDispatches.increment();
            }
        } else if (FrameScan.nameAt(a, nameAt, length, FrameScan.READY)) {
            if (state == IDENTIFYING) {
                fleet.stats.readyLatency.recordValue((now - identifySentNanos) / 1000);
                state = READY;
                fleet.onReady(this, now);
            }
        } else {
            fleet.stats.otherDispatches.increment();
        }
    }

    private void onHello(ChannelHandlerContext ctx, long intervalMillis) {
        if (state != OPEN) {
            return;
        }
        state = HELLO;
        fleet.stats.hellos.increment();
        fleet.stats.connected((activeNanos - connectStartNanos) / 1000, (handshakeNanos - connectStartNanos) / 1000,
                (Clock.now() - connectStartNanos) / 1000);
        long first = (long) (intervalMillis * ThreadLocalRandom.current().nextDouble());
        heartbeat = ctx.executor().scheduleAtFixedRate(this::sendHeartbeat, first, intervalMillis,
                TimeUnit.MILLISECONDS);
        fleet.onHello(this);
    }

    private void sendHeartbeat() {
        if (!channel.isActive() || state == CLOSED) {
            return;
        }
        if (ackPending) {
            fleet.stats.missedAcks.increment();
        }
        ackPending = true;
        fleet.stats.heartbeatsSent.increment();
        send("{\"op\":1,\"d\":" + (seq < 0 ? "null" : Long.toString(seq)) + "}");
    }

    /** Sends IDENTIFY; the Fleet calls it on this session's event loop once the identify rate allows. */
    void identify() {
        if (state != HELLO || !channel.isActive()) {
            fleet.identifyNotSent(this);
            return;
        }
        state = IDENTIFYING;
        identifySentNanos = Clock.now();
        fleet.stats.identifies.increment();
        send(fleet.identifyPayload(index));
    }

    private void send(String json) {
        ByteBuf buf = channel.alloc().buffer(json.length());
        buf.writeCharSequence(json, StandardCharsets.UTF_8);
        channel.writeAndFlush(new TextWebSocketFrame(buf), channel.voidPromise());
    }

    private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        closeFrameSeen = true;
        int code = close.statusCode();
        if (!fleet.stopping()) {
            fleet.stats.closed(code, close.reasonText());
        }
        ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, ""))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes with a close frame, then cuts the socket if the server does not answer in time. */
    void closeNormally(int code, String reason) {
        if (channel == null) {
            return;
        }
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                return;
            }
            if (state >= OPEN) {
                channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
            }
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, state >= OPEN ? CLOSE_GRACE_MILLIS : 0, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed(closeFrameSeen);
        super.channelInactive(ctx);
    }

    /** Marks the session closed (once) and tells the fleet what it was doing. */
    void closed(boolean cleanly) {
        byte before = state;
        if (before == CLOSED) {
            return;
        }
        state = CLOSED;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (decoder != null) {
            decoder.close();
        }
        if (!cleanly && !fleet.stopping() && before >= OPEN) {
            fleet.stats.drops.increment();
        }
        fleet.onClosed(this, before);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!fleet.stopping()) {
            fleet.stats.errors(cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()));
        }
        ctx.close();
    }
}
