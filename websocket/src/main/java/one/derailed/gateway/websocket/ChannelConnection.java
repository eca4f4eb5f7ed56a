package one.derailed.gateway.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.core.session.Connection;
import one.derailed.gateway.core.session.SessionProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;

/**
 * ChannelConnection is a Netty channel seen as a session's {@link Connection}. A frame's three parts go out as one
 * WebSocket message without being copied together, so an event's shared body is written, never duplicated. Every
 * frame counts into the node's {@link ClientBytes} from the moment it is handed over until the socket has taken it
 * (or the socket is gone).
 */
final class ChannelConnection implements Connection {
    /** RFC 6455 limits a close frame's payload to 125 bytes: 2 for the code, 123 for the reason. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    /** How long a closing socket may take to flush its close frame before it is cut. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    static final String NOT_READING = "the client is not reading its messages: resume when ready";

    /** Where a socket keeps its connection, for the server's shutdown drain and the edge's handlers. */
    static final AttributeKey<ChannelConnection> KEY = AttributeKey.valueOf("derailed.connection");

    /** What the socket's handler hears when a session takes the socket or lets it go. */
    interface Attachments {
        /** A session took the socket ({@code attached}) or gave it up without closing it (a refused start). */
        void changed(boolean attached);
    }

    private final Channel channel;
    private final ClientBytes bytes;
    private final Attachments attachments;
    private volatile int serverCloseCode;
    private volatile ActorRef<SessionProtocol.Command> session;
    /** The socket is gone and said so: a session attached after that hears it at once. */
    private volatile boolean gone;
    private volatile int goneCode;
    private volatile boolean goneByClient;

    ChannelConnection(Channel channel, ClientBytes bytes, Attachments attachments) {
        this.channel = channel;
        this.bytes = bytes;
        this.attachments = attachments;
    }

    /**
     * Queues a frame. A client that stops reading fills the socket's buffer up to the high-water mark; it is then
     * closed with a resumable code and its session keeps buffering for a RESUME, so one slow client costs the server
     * no more than the high-water mark plus its session's bounded replay buffer.
     */
    @Override
    public void send(EncodedFrame frame) {
        if (serverCloseCode != 0) {
            return;
        }
        if (!channel.isWritable() && channel.isActive()) {
            close(CloseCode.UNKNOWN_ERROR, NOT_READING);
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.head(), frame.body(), frame.tail())),
                counted(channel, bytes, frame.size()));
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (serverCloseCode != 0) {
            return;
        }
        serverCloseCode = code.code();
        writeCloseAndCut(channel, new CloseWebSocketFrame(code.code(), truncate(reason)));
    }

    /**
     * Writes a close frame, closes the socket once it is flushed, and cuts it after a grace in any case: a client that
     * does not read never receives a close frame queued behind its backlog.
     */
    static void writeCloseAndCut(Channel channel, CloseWebSocketFrame close) {
        channel.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && serverCloseCode == 0;
    }

    /**
     * A session that attaches to a socket which closed meanwhile (between its open check and this call) hears of
     * the close here, since the close found no session to tell; both may tell it, and a session ignores a second.
     */
    @Override
    public boolean isWritable() {
        return isOpen() && channel.isWritable();
    }

    @Override
    public void attach(ActorRef<SessionProtocol.Command> session) {
        this.session = session;
        try {
            attachments.changed(session != null);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // The edge is shutting down and the socket with it: no deadline or count is left to update.
        }
        if (session != null && gone) {
            session.tell(new SessionProtocol.ConnectionClosed(this, goneCode, goneByClient));
        }
    }

    /** The socket closed with {@code code}: its session, if it has one, hears it. */
    void closed(int code, boolean byClient) {
        goneCode = code;
        goneByClient = byClient;
        gone = true;
        ActorRef<SessionProtocol.Command> attached = session;
        if (attached != null) {
            attached.tell(new SessionProtocol.ConnectionClosed(this, code, byClient));
        }
    }

    @Override
    public java.util.concurrent.Executor executor() {
        return channel.eventLoop();
    }

    /** The socket itself, for the edge's handlers (e.g. installing payload compression). */
    Channel channel() {
        return channel;
    }

    /** The session this socket's frames go to, or null before IDENTIFY or a successful RESUME. */
    ActorRef<SessionProtocol.Command> session() {
        return session;
    }

    /** The code the server closed with, or 0 while it has not. */
    int serverCloseCode() {
        return serverCloseCode;
    }

    boolean closing() {
        return serverCloseCode != 0;
    }

    static String rateLimitReason(FrameRateLimit rate) {
        return "more than " + rate.frames() + " frames in " + TimeUnit.NANOSECONDS.toSeconds(rate.windowNanos())
                + " s";
    }

    /** A promise for a write of {@code size} bytes that counts them into {@code bytes} until the write is done. */
    static ChannelPromise counted(Channel channel, ClientBytes bytes, int size) {
        return new CountedWrite(channel, bytes, size);
    }

    /** The write's bytes leave the account when it completes, whether written or failed (the socket closed). */
    private static final class CountedWrite extends DefaultChannelPromise implements ChannelFutureListener {
        private final ClientBytes bytes;
        private final int size;

        CountedWrite(Channel channel, ClientBytes bytes, int size) {
            super(channel);
            this.bytes = bytes;
            this.size = size;
            bytes.add(ClientBytes.Kind.SOCKETS, size);
            addListener(this);
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            bytes.add(ClientBytes.Kind.SOCKETS, -size);
        }
    }

    private static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        String cut = new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.UTF_8);
        // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than send a broken character.
        return cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut;
    }
}
