package one.derailed.gateway.bench.wire;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Handshake is the client side of the WebSocket opening handshake (RFC 6455 section 4.1): the upgrade request, and
 * where the server's response ends and whether it switched protocols. Pure.
 */
final class Handshake {
    /** Largest response head accepted; a server sending more is not a WebSocket server. */
    static final int MAX_RESPONSE_HEAD = 8192;
    private static final byte[] SWITCHING = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);

    private Handshake() {}

    /** The upgrade request for {@code pathAndQuery} on {@code host:port}, with a fresh random key. */
    static byte[] request(String host, int port, String pathAndQuery) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The index just after the blank line ending the response head in {@code a[from, to)}, or -1. */
    static int headEnd(byte[] a, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Whether the response head at {@code a[from]} is 101 Switching Protocols. */
    static boolean switched(byte[] a, int from, int to) {
        if (to - from < SWITCHING.length) {
            return false;
        }
        for (int i = 0; i < SWITCHING.length; i++) {
            if (a[from + i] != SWITCHING[i]) {
                return false;
            }
        }
        return true;
    }

    /** The status line of the response head, for an error message. */
    static String statusLine(byte[] a, int from, int to) {
        int end = from;
        while (end < to && a[end] != '\r' && end - from < 200) {
            end++;
        }
        return new String(a, from, end - from, StandardCharsets.ISO_8859_1);
    }
}
