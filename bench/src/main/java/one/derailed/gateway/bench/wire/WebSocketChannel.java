package one.derailed.gateway.bench.wire;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * WebSocketChannel is one client WebSocket over a non-blocking socket of its {@link EventLoop}: connect, the upgrade,
 * then frames read straight out of the loop's receive buffer ({@link FrameDecoder}) and handed to its
 * {@link WebSocketListener} as slices, with nothing allocated per frame. It keeps bytes of its own only while it
 * must: the rest of a frame cut by a read, a fragmented message, output the socket would not take yet. Everything
 * but {@link #connect} runs on the loop's thread.
 */
public final class WebSocketChannel implements FrameDecoder.Sink {
    private static final byte NEW = 0;
    private static final byte CONNECTING = 1;
    private static final byte UPGRADING = 2;
    private static final byte OPEN = 3;
    private static final byte CLOSING = 4;
    private static final byte CLOSED = 5;
    /** Bytes kept between reads or messages beyond which the buffer is dropped once empty (idle sessions stay small). */
    private static final int KEEP_BUFFER_BYTES = 16 * 1024;

    private final EventLoop loop;
    private final WebSocketListener listener;
    private final int maxMessageBytes;
    private Endpoint endpoint;
    private int fd = -1;
    private byte state = NEW;
    private boolean closeSent;
    private boolean closeReceived;
    private long receivedNanos;
    private long receivedWallNanos;
    private byte[] carry;
    private int carryLength;
    private byte[] message;
    private int messageLength;
    private int messageOpcode = -1;
    private byte[] pending;
    private int pendingFrom;
    private int pendingTo;
    private EventLoop.Timer closeTimer;
    /** What the user attaches (the session), so the channel needs no map to find it. */
    public Object attachment;

    public WebSocketChannel(EventLoop loop, WebSocketListener listener, int maxMessageBytes) {
        this.loop = loop;
        this.listener = listener;
        this.maxMessageBytes = maxMessageBytes;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Whether the upgrade is done and no close frame went either way. */
    public boolean isOpen() {
        return state == OPEN;
    }

    public boolean isClosed() {
        return state == CLOSED;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Connects to {@code to} (from any thread); the listener hears of it on the loop. */
    public void connect(Endpoint to) {
        loop.execute(() -> start(to));
    }

    private void start(Endpoint to) {
        if (state != NEW) {
            return;
        }
        endpoint = to;
        int result = loop.sys.connect(to.source(), to.address(), to.port());
        if (result < 0) {
            state = CLOSED;
            listener.onClosed(this, "connect: errno " + -result);
            return;
        }
        fd = result;
        state = CONNECTING;
        loop.register(this, fd, Libc.EPOLLOUT);
    }

    /** Called by the loop with the epoll events of this channel's socket. */
    void onEvents(int events) {
        if (state == CONNECTING) {
            finishConnect();
            return;
        }
        if ((events & Libc.EPOLLOUT) != 0 && pendingTo > pendingFrom) {
            flush();
        }
        if ((events & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP | Libc.EPOLLRDHUP)) != 0) {
            read();
        }
    }

    private void finishConnect() {
        int error = loop.sys.socketError(fd);
        if (error != 0) {
            closeSocket("connect: errno " + error);
            return;
        }
        state = UPGRADING;
        loop.modify(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP);
        listener.onConnected(this, System.nanoTime());
        byte[] request = Handshake.request(endpoint.host(), endpoint.port(), endpoint.pathAndQuery());
        write(request, 0, request.length);
    }

    private void read() {
        byte[] buffer = loop.readBuffer;
        MemorySegment segment = loop.readSegment;
        Receiver receiver = loop.receiver;
        while (state != CLOSED) {
            long n = receiver.receive(loop.sys, fd, segment);
            if (n > 0) {
                receivedNanos = System.nanoTime();
                receivedWallNanos = receiver.wallNanos();
                received(buffer, (int) n);
                if (n < receiver.capacity()) {
                    return;
                }
            } else if (n == 0) {
                closeSocket(closeReceived || closeSent ? null : "end of stream without a close frame");
                return;
            } else if (n == -Libc.EAGAIN) {
                return;
            } else if (n != -Libc.EINTR) {
                closeSocket(closeReceived || closeSent ? null : "recv: errno " + -n);
                return;
            }
        }
    }

    private void received(byte[] buffer, int n) {
        try {
            if (carryLength == 0 && state != UPGRADING) {
                int consumed = FrameDecoder.decode(buffer, 0, n, maxMessageBytes, this);
                if (consumed < n && state != CLOSED) {
                    keep(buffer, consumed, n);
                }
                return;
            }
            keep(buffer, 0, n);
            int from = 0;
            if (state == UPGRADING) {
                from = upgraded();
                if (from < 0) {
                    return;
                }
            }
            int consumed = FrameDecoder.decode(carry, from, carryLength, maxMessageBytes, this);
            if (state == CLOSED) {
                return;
            }
            carryLength -= consumed;
            System.arraycopy(carry, consumed, carry, 0, carryLength);
            if (carryLength == 0 && carry.length > KEEP_BUFFER_BYTES) {
                carry = null;
            }
        } catch (FrameDecoder.ProtocolException e) {
            closeSocket("protocol error: " + e.getMessage());
        }
    }

    /** The response head in {@link #carry}: the index where frames begin, or -1 while incomplete or refused. */
    private int upgraded() {
        int end = Handshake.headEnd(carry, 0, carryLength);
        if (end < 0) {
            if (carryLength > Handshake.MAX_RESPONSE_HEAD) {
                closeSocket("upgrade: no end of the response head in " + carryLength + " bytes");
            }
            return -1;
        }
        if (!Handshake.switched(carry, 0, end)) {
            closeSocket("upgrade refused: " + Handshake.statusLine(carry, 0, end));
            return -1;
        }
        state = OPEN;
        listener.onOpen(this, receivedNanos);
        return state == OPEN ? end : -1;
    }

    private void keep(byte[] bytes, int from, int to) {
        int length = to - from;
        if (carry == null || carry.length < carryLength + length) {
            carry = carry == null ? new byte[Math.max(length, 1024)]
                    : Arrays.copyOf(carry, Math.max(carryLength + length, carry.length * 2));
        }
        System.arraycopy(bytes, from, carry, carryLength, length);
        carryLength += length;
    }

    @Override
    public void onFrame(boolean fin, int opcode, byte[] a, int offset, int length) {
        if (state == CLOSED) {
            return;
        }
        switch (opcode) {
            case FrameDecoder.TEXT, FrameDecoder.BINARY -> {
                if (messageOpcode >= 0) {
                    closeSocket("protocol error: a new message inside a fragmented one");
                } else if (fin) {
                    listener.onMessage(this, a, offset, length, opcode == FrameDecoder.BINARY, receivedNanos,
                            receivedWallNanos);
                } else {
                    messageOpcode = opcode;
                    append(a, offset, length);
                }
            }
            case FrameDecoder.CONTINUATION -> {
                if (messageOpcode < 0) {
                    closeSocket("protocol error: a continuation frame without a message");
                    return;
                }
                append(a, offset, length);
                if (fin) {
                    boolean binary = messageOpcode == FrameDecoder.BINARY;
                    int total = messageLength;
                    messageOpcode = -1;
                    messageLength = 0;
                    listener.onMessage(this, message, 0, total, binary, receivedNanos, receivedWallNanos);
                    if (message != null && message.length > KEEP_BUFFER_BYTES) {
                        message = null;
                    }
                }
            }
            case FrameDecoder.CLOSE -> onCloseFrame(a, offset, length);
            case FrameDecoder.PING -> send(FrameDecoder.PONG, a, offset, length);
            case FrameDecoder.PONG -> { }
            default -> closeSocket("protocol error: opcode " + opcode);
        }
    }

    private void append(byte[] a, int offset, int length) {
        if (messageLength + length > maxMessageBytes) {
            closeSocket("protocol error: a message over " + maxMessageBytes + " bytes");
            return;
        }
        if (message == null || message.length < messageLength + length) {
            message = message == null ? new byte[Math.max(length * 2, 1024)]
                    : Arrays.copyOf(message, Math.max(messageLength + length, message.length * 2));
        }
        System.arraycopy(a, offset, message, messageLength, length);
        messageLength += length;
    }

    private void onCloseFrame(byte[] a, int offset, int length) {
        closeReceived = true;
        int code = length >= 2 ? ((a[offset] & 0xFF) << 8) | (a[offset + 1] & 0xFF) : 1005;
        String reason = length > 2 ? new String(a, offset + 2, length - 2, StandardCharsets.UTF_8) : "";
        listener.onCloseFrame(this, code, reason);
        if (state == CLOSED) {
            return;
        }
        if (!closeSent) {
            sendClose(code == 1005 || code == 1006 ? 1000 : code, "");
        }
        closeSocket(null);
    }

    /** Sends one text message. */
    public void sendText(byte[] payload, int offset, int length) {
        if (state == OPEN) {
            send(FrameDecoder.TEXT, payload, offset, length);
        }
    }

    public void sendText(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        sendText(bytes, 0, bytes.length);
    }

    /**
     * Closes as the protocol says: a close frame, then the socket once the server answers, or after {@code
     * graceMillis} at most. A channel not open yet is closed at once. Safe from any state and repeatable.
     */
    public void close(int code, String reason, long graceMillis) {
        if (state == OPEN) {
            sendClose(code, reason);
            state = CLOSING;
            closeTimer = loop.schedule(graceMillis * 1_000_000L, () -> closeSocket(null));
        } else if (state != CLOSING && state != CLOSED) {
            closeSocket(null);
        }
    }

    /** Cuts the socket now, with no close frame (the server sees a reset or an end of stream: 1006). */
    public void abort() {
        closeSocket(null);
    }

    private void sendClose(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + Math.min(r.length, 123)];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, payload.length - 2);
        closeSent = true;
        send(FrameDecoder.CLOSE, payload, 0, payload.length);
    }

    private void send(int opcode, byte[] payload, int offset, int length) {
        byte[] out = loop.writeBuffer(length + ClientFrame.MAX_HEADER);
        int n = ClientFrame.encode(opcode, payload, offset, length, loop.nextMaskKey(), out, 0);
        write(out, 0, n);
    }

    private void write(byte[] bytes, int from, int to) {
        if (state == CLOSED) {
            return;
        }
        if (pendingTo > pendingFrom) {
            pend(bytes, from, to);
            return;
        }
        MemorySegment segment = bytes == loop.writeBufferArray() ? loop.writeSegment()
                : MemorySegment.ofArray(bytes);
        long sent = loop.sys.send(fd, from == 0 ? segment : segment.asSlice(from), to - from);
        if (sent == to - from) {
            return;
        }
        if (sent < 0 && sent != -Libc.EAGAIN && sent != -Libc.EINTR) {
            closeSocket(closeReceived || closeSent ? null : "send: errno " + -sent);
            return;
        }
        pend(bytes, from + (int) Math.max(0, sent), to);
        loop.modify(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLOUT);
    }

    private void pend(byte[] bytes, int from, int to) {
        int length = to - from;
        if (pending == null) {
            pending = new byte[Math.max(length, 1024)];
        } else if (pendingFrom > 0) {
            System.arraycopy(pending, pendingFrom, pending, 0, pendingTo - pendingFrom);
            pendingTo -= pendingFrom;
            pendingFrom = 0;
        }
        if (pending.length < pendingTo + length) {
            pending = Arrays.copyOf(pending, Math.max(pendingTo + length, pending.length * 2));
        }
        System.arraycopy(bytes, from, pending, pendingTo, length);
        pendingTo += length;
    }

    private void flush() {
        long sent = loop.sys.send(fd, MemorySegment.ofArray(pending).asSlice(pendingFrom), pendingTo - pendingFrom);
        if (sent < 0 && sent != -Libc.EAGAIN && sent != -Libc.EINTR) {
            closeSocket(closeReceived || closeSent ? null : "send: errno " + -sent);
            return;
        }
        pendingFrom += (int) Math.max(0, sent);
        if (pendingFrom == pendingTo) {
            pendingFrom = 0;
            pendingTo = 0;
            if (pending.length > KEEP_BUFFER_BYTES) {
                pending = null;
            }
            loop.modify(fd, Libc.EPOLLIN | Libc.EPOLLRDHUP);
        }
    }

    private void closeSocket(String cause) {
        if (state == CLOSED) {
            return;
        }
        state = CLOSED;
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
        if (fd >= 0) {
            loop.forget(fd);
            Syscalls.close(fd);
            fd = -1;
        }
        carry = null;
        carryLength = 0;
        message = null;
        pending = null;
        pendingFrom = 0;
        pendingTo = 0;
        listener.onClosed(this, cause);
    }
}
