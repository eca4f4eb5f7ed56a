package one.derailed.gateway.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.http.ConnectionLimit;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.core.session.SessionLauncher;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.ClientPayloadDecoder;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.ConnectRequest;
import one.derailed.gateway.protocol.PayloadException;
import one.derailed.gateway.protocol.ServerFrames;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * GatewayConnection is the thin handler of one client socket: it checks the connect URL, says HELLO, answers
 * heartbeats and closes zombies, decodes frames and hands them to the socket's Session. Everything else about the
 * connection lives in the Session.
 *
 * <p>Before a session takes the socket, it counts against the edge's unidentified-connection limits (its
 * {@link ConnectionLimit} place is given back when a session attaches) and must get a session within
 * {@code identify-timeout} of HELLO, else it closes with 4003.
 */
final class GatewayConnection extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayConnection.class);
    /** Close code for a socket that vanished without a close frame (RFC 6455 §7.1.5). */
    private static final int ABNORMAL_CLOSURE = 1006;

    private final SessionLauncher sessions;
    private final EdgeLimits limits;
    private final ChannelGroup sockets;
    private final GatewayMetrics metrics;
    private final FrameRateLimit rate;
    private final ConnectionLimit unidentified;
    private ChannelConnection connection;
    /**
     * Frames that arrived before the handshake was announced (a client has no reason to send more than a few); made
     * only when one does, and let go at HELLO.
     */
    private java.util.List<WebSocketFrame> early;
    private static final int MAX_EARLY_FRAMES = 4;
    private long lastHeartbeatNanos;
    /** A RESUME is looking for its session on other nodes; the socket takes no other IDENTIFY or RESUME meanwhile. */
    private boolean locating;
    private int clientCloseCode;
    private ScheduledFuture<?> heartbeatCheck;
    private ScheduledFuture<?> identifyDeadline;

    GatewayConnection(SessionLauncher sessions, EdgeLimits limits, ChannelGroup sockets, GatewayMetrics metrics,
                      FrameRateLimit rate, ConnectionLimit unidentified) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.limits = limits;
        this.sockets = sockets;
        this.rate = rate;
        this.unidentified = unidentified;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            GatewayChannelInitializer.dropHttpHandlers(ctx.pipeline());
            connection = new ChannelConnection(ctx.channel(), metrics.clientBytes(),
                    attached -> ctx.executor().execute(() -> onAttachment(ctx, attached)));
            ctx.channel().attr(ChannelConnection.KEY).set(connection);
            sockets.add(ctx.channel());
            try {
                // compress=zlib-stream|zstd-stream: every later message goes out compressed, HELLO included.
                one.derailed.gateway.protocol.Compression compression =
                        ConnectRequest.parse(handshake.requestUri()).compression();
                OutboundByteCounter.countInto(ctx.channel(), metrics.bytesOut(compression.name().toLowerCase()));
                CompressionEncoder.installTransport(ctx, compression);
            } catch (PayloadException refused) {
                connection.close(refused.closeCode(), refused.getMessage());
                return;
            }
            connection.send(ServerFrames.hello(limits.heartbeatInterval().toMillis()));
            lastHeartbeatNanos = System.nanoTime();
            scheduleHeartbeatCheck(ctx, limits.heartbeatTimeout().toNanos());
            awaitIdentify(ctx);
            replayEarlyFrames(ctx);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (connection == null) {
            holdUntilHello(ctx, frame);
            return;
        }
        if (connection.closing()) {
            return;
        }
        if (!(frame instanceof CloseWebSocketFrame) && !rate.admit(System.nanoTime())) {
            connection.close(CloseCode.RATE_LIMITED, ChannelConnection.rateLimitReason(rate));
            return;
        }
        switch (frame) {
            case TextWebSocketFrame text -> onText(text.content());
            case CloseWebSocketFrame close -> onClientClose(ctx, close);
            case BinaryWebSocketFrame binary ->
                    connection.close(CloseCode.DECODE_ERROR, "binary frames are not JSON: send text frames");
            default -> { }
        }
    }

    /**
     * Netty announces the handshake once the 101 response is written, and a client may send its first frames before
     * that. They are held (bounded) and read right after HELLO, in order, rather than dropped.
     */
    private void holdUntilHello(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (early == null) {
            early = new java.util.ArrayList<>(MAX_EARLY_FRAMES);
        } else if (early.size() >= MAX_EARLY_FRAMES) {
            ctx.close();
            return;
        }
        early.add(frame.retain());
    }

    private void replayEarlyFrames(ChannelHandlerContext ctx) {
        java.util.List<WebSocketFrame> held = early;
        early = null;
        if (held == null) {
            return;
        }
        for (int i = 0; i < held.size(); i++) {
            try {
                channelRead0(ctx, held.get(i));
            } finally {
                held.get(i).release();
            }
        }
    }

    private void onText(ByteBuf content) {
        if (content.readableBytes() > limits.maxPayloadBytes()) {
            connection.close(CloseCode.DECODE_ERROR,
                    "payload of " + content.readableBytes() + " bytes is over the limit of " + limits.maxPayloadBytes());
            return;
        }
        ClientPayload payload;
        try {
            payload = ClientPayloadDecoder.decode(ByteBufUtil.getBytes(content));
        } catch (PayloadException refused) {
            connection.close(refused.closeCode(), refused.getMessage());
            return;
        }
        switch (payload) {
            case ClientPayload.Heartbeat heartbeat -> {
                lastHeartbeatNanos = System.nanoTime();
                connection.send(ServerFrames.HEARTBEAT_ACK);
                ActorRef<SessionProtocol.Command> session = connection.session();
                if (session != null && heartbeat.lastSequence() != null) {
                    session.tell(new SessionProtocol.Acknowledged(connection, heartbeat.lastSequence()));
                }
            }
            case ClientPayload.Identify identify -> {
                if (connection.session() != null || locating) {
                    connection.close(CloseCode.ALREADY_AUTHENTICATED, "this connection already identified");
                } else {
                    CompressionEncoder.onIdentify(connection.channel(), identify.compress());
                    connection.attach(sessions.identify(connection, identify));
                }
            }
            case ClientPayload.Resume resume -> {
                if (connection.session() != null || locating) {
                    connection.close(CloseCode.ALREADY_AUTHENTICATED, "this connection already has a session");
                    return;
                }
                // The session may live on another node (the client resumed elsewhere, or its node left): it is
                // found and moved here, off this thread; the socket waits for the answer.
                locating = true;
                sessions.locate(resume.sessionId(), resume.token()).whenComplete((resumable, failure) ->
                        connection.channel().eventLoop().execute(() -> {
                            locating = false;
                            if (resumable == null) {
                                connection.send(ServerFrames.invalidSession(false));
                                metrics.invalidSession();
                            } else {
                                resumable.tell(new SessionProtocol.Resume(connection, resume));
                            }
                        }));
            }
            default -> {
                ActorRef<SessionProtocol.Command> session = connection.session();
                if (session == null) {
                    connection.close(CloseCode.NOT_AUTHENTICATED, "identify before sending op payloads");
                } else {
                    session.tell(new SessionProtocol.FromClient(connection, payload));
                }
            }
        }
    }

    /** Echoes the client's close (RFC 6455 §5.5.1) and cuts the socket if the client does not take it. */
    private void onClientClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        clientCloseCode = close.statusCode() < 0 ? 1005 : close.statusCode();
        ChannelConnection.writeCloseAndCut(ctx.channel(),
                new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""));
    }

    /**
     * A session took the socket (IDENTIFY, or a RESUME that succeeded): it no longer counts as unidentified. A
     * session that let the socket go without closing it (a bot identifying too fast gets op 9) gives the client
     * another identify-timeout to try again.
     */
    private void onAttachment(ChannelHandlerContext ctx, boolean attached) {
        if (attached) {
            unidentified.release(ctx.channel());
            // A cancelled deadline would otherwise stay with the socket for its life.
            if (identifyDeadline != null) {
                identifyDeadline.cancel(false);
                identifyDeadline = null;
            }
        } else if (connection != null && !connection.closing()) {
            awaitIdentify(ctx);
        }
    }

    private void awaitIdentify(ChannelHandlerContext ctx) {
        if (identifyDeadline != null) {
            identifyDeadline.cancel(false);
        }
        identifyDeadline = ctx.executor().schedule(() -> {
            if (connection.session() == null && !locating && !connection.closing()) {
                metrics.identifyTimeout();
                connection.close(CloseCode.NOT_AUTHENTICATED,
                        "no IDENTIFY or RESUME within " + limits.identifyTimeout().toSeconds() + " s of HELLO");
            }
        }, limits.identifyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void scheduleHeartbeatCheck(ChannelHandlerContext ctx, long delayNanos) {
        heartbeatCheck = ctx.executor().schedule(() -> {
            long silent = System.nanoTime() - lastHeartbeatNanos;
            long timeout = limits.heartbeatTimeout().toNanos();
            if (silent >= timeout) {
                metrics.heartbeatTimeout();
                connection.close(CloseCode.UNKNOWN_ERROR,
                        "no heartbeat for " + (silent / 1_000_000) + " ms: resume on a new connection");
            } else {
                scheduleHeartbeatCheck(ctx, timeout - silent);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (early != null) {
            early.forEach(WebSocketFrame::release);
            early = null;
        }
        if (heartbeatCheck != null) {
            heartbeatCheck.cancel(false);
        }
        if (identifyDeadline != null) {
            identifyDeadline.cancel(false);
        }
        if (connection != null) {
            boolean byServer = clientCloseCode == 0 && connection.serverCloseCode() != 0;
            int code = clientCloseCode != 0 ? clientCloseCode
                    : byServer ? connection.serverCloseCode() : ABNORMAL_CLOSURE;
            metrics.closed(code, !byServer);
            connection.closed(code, !byServer);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException) {
            // A dispatch raced the socket's close: the session buffers it for a resume; nothing to answer.
            LOG.debug("socket {} was already closed", ctx.channel().remoteAddress());
            return;
        }
        boolean unreadable = cause instanceof io.netty.handler.codec.DecoderException
                || cause instanceof io.netty.handler.codec.TooLongFrameException
                || cause instanceof io.netty.handler.codec.CorruptedFrameException;
        if (unreadable) {
            LOG.debug("socket {} sent an unreadable frame", ctx.channel().remoteAddress(), cause);
        } else {
            LOG.warn("socket {} failed", ctx.channel().remoteAddress(), cause);
        }
        if (connection != null && !connection.closing()) {
            connection.close(unreadable ? CloseCode.DECODE_ERROR : CloseCode.UNKNOWN_ERROR,
                    unreadable ? "unreadable frame" : "the gateway failed on this connection; reconnect");
        } else {
            ctx.close();
        }
    }
}
