package one.derailed.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CheckProxy stands between the library and the gateway on the port the gateway advertises (its public URL, so
 * READY's resume_gateway_url leads back here too). It passes bytes both ways, reads the library's WebSocket frames
 * (masked, uncompressed JSON) to see which ops it sent on each connection, and can cut every connection at once,
 * as a network failure would: both ends see the TCP connection end, with no close frame.
 *
 * <p>Once the library sent a close frame, what the gateway sends back is held until
 * {@link #CLOSE_ROUND_TRIP_NANOS} after it, as a real network's round trip would: Discord4J 3.3.2's logout emits its
 * close on the caller's thread and handles the gateway's close echo on its event loop, both into one fail-fast sink,
 * and an echo back within microseconds (loopback) races the emission, fails it, and leaves logout reconnecting
 * (clients/README.md).
 */
public final class CheckProxy implements AutoCloseable {
    private static final Pattern OP = Pattern.compile("\"op\"\\s*:\\s*(\\d+)");
    /** How long after the library's close frame the gateway's answer reaches it. */
    static final long CLOSE_ROUND_TRIP_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** One connection through the proxy: its request line and the ops the library sent on it, in order. */
    public static final class Conn {
        final Socket client;
        final Socket upstream;
        volatile String request;
        final List<Integer> ops = new CopyOnWriteArrayList<>();
        /** When the library sent its close frame, by {@link System#nanoTime()}; 0 until it does. */
        volatile long clientClosedNanos;

        Conn(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        public String request() {
            return request;
        }

        public List<Integer> ops() {
            return List.copyOf(ops);
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    public CheckProxy(int port, String targetHost, int targetPort) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Conn conn = new Conn(client, upstream);
                connections.add(conn);
                Thread.ofPlatform().daemon().start(() -> pump(conn, client, upstream, true));
                Thread.ofPlatform().daemon().start(() -> pump(conn, upstream, client, false));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private void pump(Conn conn, Socket from, Socket to, boolean fromClient) {
        ClientFrames frames = fromClient ? new ClientFrames(conn) : null;
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (frames != null) {
                    frames.push(buffer, n);
                } else {
                    awaitCloseRoundTrip(conn);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException gone) {
            // either side went away, or the check cut the connection
        } finally {
            conn.close();
        }
    }

    /** Holds the gateway's bytes until the close round trip has passed, if the library has sent its close. */
    private static void awaitCloseRoundTrip(Conn conn) {
        long closed = conn.clientClosedNanos;
        if (closed == 0) {
            return;
        }
        long wait = closed + CLOSE_ROUND_TRIP_NANOS - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    /** Every connection so far, oldest first. */
    public List<Conn> connections() {
        return List.copyOf(connections);
    }

    /** Cuts every connection that is open. */
    public void cutAll() {
        connections.forEach(Conn::close);
    }

    @Override
    public void close() {
        closeQuietly(server);
        cutAll();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing what is already closed
        }
    }

    /** Reads the client's HTTP upgrade request, then its WebSocket frames, and notes each text message's op. */
    private static final class ClientFrames {
        private final Conn conn;
        private byte[] pending = new byte[0];
        private boolean upgraded;
        private final List<byte[]> fragments = new ArrayList<>();

        ClientFrames(Conn conn) {
            this.conn = conn;
        }

        void push(byte[] chunk, int length) {
            byte[] joined = new byte[pending.length + length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(chunk, 0, joined, pending.length, length);
            pending = joined;
            if (!upgraded) {
                String text = new String(pending, java.nio.charset.StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                conn.request = text.substring(0, text.indexOf("\r\n"));
                pending = java.util.Arrays.copyOfRange(pending, end + 4, pending.length);
                upgraded = true;
            }
            while (frame()) {
                // one frame read each turn
            }
        }

        private boolean frame() {
            byte[] b = pending;
            if (b.length < 2) {
                return false;
            }
            boolean fin = (b[0] & 0x80) != 0;
            int opcode = b[0] & 0x0f;
            boolean masked = (b[1] & 0x80) != 0;
            long length = b[1] & 0x7f;
            int offset = 2;
            if (length == 126) {
                if (b.length < 4) {
                    return false;
                }
                length = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                offset = 4;
            } else if (length == 127) {
                if (b.length < 10) {
                    return false;
                }
                length = 0;
                for (int i = 2; i < 10; i++) {
                    length = (length << 8) | (b[i] & 0xff);
                }
                offset = 10;
            }
            int maskAt = offset;
            if (masked) {
                offset += 4;
            }
            if (b.length < offset + length) {
                return false;
            }
            byte[] payload = java.util.Arrays.copyOfRange(b, offset, (int) (offset + length));
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= b[maskAt + (i & 3)];
                }
            }
            pending = java.util.Arrays.copyOfRange(b, (int) (offset + length), b.length);
            if (opcode == 8) {
                conn.clientClosedNanos = System.nanoTime();
            } else if (opcode < 8) {
                fragments.add(payload);
                if (fin) {
                    int size = fragments.stream().mapToInt(p -> p.length).sum();
                    byte[] message = new byte[size];
                    int at = 0;
                    for (byte[] part : fragments) {
                        System.arraycopy(part, 0, message, at, part.length);
                        at += part.length;
                    }
                    fragments.clear();
                    Matcher op = OP.matcher(new String(message, java.nio.charset.StandardCharsets.UTF_8));
                    if (op.find()) {
                        conn.ops.add(Integer.parseInt(op.group(1)));
                    }
                }
            }
            return true;
        }
    }
}
