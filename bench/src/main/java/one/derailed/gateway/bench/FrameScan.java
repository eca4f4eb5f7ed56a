package one.derailed.gateway.bench;

import java.nio.charset.StandardCharsets;

/**
 * FrameScan reads the few fields the load generator needs from a server frame without parsing the JSON: the server
 * writes the envelope first ({@code {"op":0,"s":N,"t":"NAME","d":...}}), so the first {@code "op":}, {@code "s":} and
 * {@code "t":"} of a frame are the envelope's. The published events carry their send time and number first in their
 * data, {@code "nonce":"NANOS-NUMBER"}, so finding them costs a few dozen byte compares.
 */
final class FrameScan {
    static final byte[] OP = ascii("\"op\":");
    static final byte[] SEQ = ascii("\"s\":");
    static final byte[] EVENT = ascii("\"t\":\"");
    static final byte[] NONCE = ascii("\"nonce\":\"");
    static final byte[] SESSION_ID = ascii("\"session_id\":\"");
    static final byte[] STATUS = ascii("\"status\":\"");
    static final byte[] RESUMED = ascii("RESUMED");
    static final byte[] HEARTBEAT_INTERVAL = ascii("\"heartbeat_interval\":");
    static final byte[] READY = ascii("READY");

    private FrameScan() {}

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The index just after the first occurrence of {@code needle} in {@code a[from, to)}, or -1. */
    static int after(byte[] a, int from, int to, byte[] needle) {
        int last = to - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i + needle.length;
        }
        return -1;
    }

    /** The non-negative decimal at {@code a[at]} (digits only, stops at the first other byte), or -1 when none. */
    static long decimal(byte[] a, int at, int to) {
        if (at < 0 || at >= to || a[at] < '0' || a[at] > '9') {
            return -1;
        }
        long value = 0;
        for (int i = at; i < to && a[i] >= '0' && a[i] <= '9'; i++) {
            value = value * 10 + (a[i] - '0');
        }
        return value;
    }

    /** The index of the first byte at or after {@code at} that is not a decimal digit (at most {@code to}). */
    static int skipDigits(byte[] a, int at, int to) {
        while (at < to && a[at] >= '0' && a[at] <= '9') {
            at++;
        }
        return at;
    }

    /** The JSON string (no escapes expected) starting at {@code at} and ending at the next quote, or null. */
    static String string(byte[] a, int at, int to) {
        if (at < 0) {
            return null;
        }
        for (int i = at; i < to; i++) {
            if (a[i] == '"') {
                return new String(a, at, i - at, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Whether {@code a} holds {@code name} followed by a closing quote at {@code at}. */
    static boolean nameAt(byte[] a, int at, int to, byte[] name) {
        if (at < 0 || at + name.length >= to) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (a[at + i] != name[i]) {
                return false;
            }
        }
        return a[at + name.length] == '"';
    }
}
