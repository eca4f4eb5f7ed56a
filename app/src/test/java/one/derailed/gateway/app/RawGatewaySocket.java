package one.derailed.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import one.derailed.gateway.protocol.Json;

/**
 * RawGatewaySocket is a bare RFC 6455 client on a plain TCP socket, for what the JDK client hides: it reads only when
 * asked, so a test can make a client that truly stops reading and let the server's writes back up.
 */
final class RawGatewaySocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private String handshakeResponse;

    /** One frame as received: its opcode, whether it ends a message, and its payload. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    RawGatewaySocket(int port) throws IOException {
        this(port, "");
    }

    /** Connects with extra handshake header lines (each ending in \r\n), e.g. an extension offer. */
    RawGatewaySocket(int port, String extraHeaders) throws IOException {
        this(new java.net.InetSocketAddress("127.0.0.1", 0), port, extraHeaders);
    }

    /** Connects from {@code local} (127.0.0.N: a test plays several source addresses). */
    RawGatewaySocket(java.net.InetSocketAddress local, int port, String extraHeaders) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.bind(local);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        out.write(("GET /?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder response = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            response.append((char) b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        handshakeResponse = response.toString();
    }

    String handshakeResponse() {
        return handshakeResponse;
    }

    /** Reads the next frame as it is, whatever its opcode. */
    Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, (first & 0x80) != 0, payload);
    }

    /** Sends one masked frame: {@code opcode} 1 text, 0 continuation, 9 ping, 8 close; {@code fin} ends a message. */
    void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write(frame(opcode, fin, payload));
        out.flush();
    }

    /** Reads the next text message (the gateway sends unfragmented, unmasked frames). */
    JsonNode read() throws IOException {
        Frame frame = readFrame();
        if (frame.opcode() == 8) {
            throw new IOException("closed by the server");
        }
        return Json.MAPPER.readTree(frame.payload());
    }

    /** Writes {@code bytes} as they are, e.g. several frames at once. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One whole masked frame's bytes, for writing many at once. */
    static byte[] frame(int opcode, byte[] payload) {
        return frame(opcode, true, payload);
    }

    private static byte[] frame(int opcode, boolean fin, byte[] payload) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(payload.length + 8);
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        bytes.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            bytes.write(0x80 | payload.length);
        } else {
            bytes.write(0x80 | 126);
            bytes.write(payload.length >>> 8);
            bytes.write(payload.length & 0xff);
        }
        bytes.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            bytes.write(payload[i] ^ mask[i & 3]);
        }
        return bytes.toByteArray();
    }

    /** The close frame's code, reading past everything else the server sent first; -1 when the socket just ends. */
    int readUntilClose() throws IOException {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == 8) {
                    return frame.payload().length >= 2
                            ? ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff) : 1005;
                }
            }
        } catch (java.io.EOFException | java.net.SocketException ended) {
            return -1;
        }
    }

    /** The socket itself (timeouts, buffer sizes). */
    Socket socket() {
        return socket;
    }

    /** Sends one masked text message, as a client must. */
    void send(String text) throws IOException {
        sendFrame(1, true, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
