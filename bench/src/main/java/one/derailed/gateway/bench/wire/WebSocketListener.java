package one.derailed.gateway.bench.wire;

/**
 * WebSocketListener is what a {@link WebSocketChannel} tells its user, always on the channel's {@link EventLoop}.
 * Time stamps ({@code nanos}) are {@link System#nanoTime()} taken once per received chunk, right after the receive
 * call.
 */
public interface WebSocketListener {

    /** TCP connected; the upgrade request is on its way. */
    void onConnected(WebSocketChannel channel, long nanos);

    /** The server answered 101: messages may flow. */
    void onOpen(WebSocketChannel channel, long nanos);

    /**
     * One whole message (fragments joined); {@code payload[offset, offset + length)} is valid only during the call.
     * {@code wallNanos} is when its last bytes reached the socket by the kernel's receive time stamp (nanoseconds
     * since the epoch, {@link WallClock}), whenever the loop got round to it.
     */
    void onMessage(WebSocketChannel channel, byte[] payload, int offset, int length, boolean binary, long nanos,
                   long wallNanos);

    /** The server sent a close frame ({@code code} 1005 when it had none); the channel answers and closes. */
    void onCloseFrame(WebSocketChannel channel, int code, String reason);

    /**
     * The socket is gone. {@code cause} is null when it closed as the protocol says (close frames exchanged, or
     * closed by this side), else what happened (a refused connect, a reset, an end of stream without a close frame,
     * a protocol error).
     */
    void onClosed(WebSocketChannel channel, String cause);
}
