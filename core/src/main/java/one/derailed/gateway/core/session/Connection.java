package one.derailed.gateway.core.session;

import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;

/**
 * Connection is a client's socket as the Session sees it; the WebSocket edge implements it. Both calls are safe from
 * any thread and never block: frames are queued to the socket's event loop.
 */
public interface Connection {

    void send(EncodedFrame frame);

    /** Whether the socket is still open; a session never takes over a socket that is already gone. */
    boolean isOpen();

    /**
     * Whether the socket has room for more frames now (below its outbound high-water mark), for senders that can
     * wait, like a member request paging through a whole member list.
     */
    default boolean isWritable() {
        return isOpen();
    }

    /** From now on the client's frames go to {@code session} (after IDENTIFY, or after a successful RESUME). */
    void attach(org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Command> session);

    /** Closes the socket with {@code code} after the frames already sent; {@code reason} reaches the client. */
    void close(CloseCode code, String reason);

    /**
     * The thread that does this socket's I/O (its event loop), as an executor; a session run there writes without a
     * hop ({@link SocketLoopDispatchers}). Null when there is none to run on.
     */
    default java.util.concurrent.Executor executor() {
        return null;
    }
}
