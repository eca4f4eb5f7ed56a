package one.derailed.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** RawHttp is an HTTP/1.1 client on a bare socket: it sends exactly the bytes a test gives it and reads answers. */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    /** One answer: status, headers (lower-case names) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {}

    public RawHttp(int port) throws IOException {
        this(new InetSocketAddress("127.0.0.1", 0), port);
    }

    /** Connects from {@code local} (e.g. 127.0.0.5, port 0), so a test can play several source addresses. */
    public RawHttp(InetSocketAddress local, int port) throws IOException {
        socket = new Socket();
        socket.bind(local);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    public static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    /** The next answer; fails when the connection ends first. */
    public Answer read() throws IOException {
        return read(true);
    }

    /** The next answer to a HEAD request: its Content-Length describes a body that is not sent. */
    public Answer readHeadOnly() throws IOException {
        return read(false);
    }

    private Answer read(boolean withBody) throws IOException {
        String head = readHead();
        if (head == null) {
            throw new IOException("the connection closed before an answer");
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = withBody ? Integer.parseInt(headers.getOrDefault("content-length", "0")) : 0;
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server closed the connection (end of stream) within the socket's timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    public void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
