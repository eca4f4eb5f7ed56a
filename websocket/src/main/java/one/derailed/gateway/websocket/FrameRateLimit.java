package one.derailed.gateway.websocket;

/**
 * FrameRateLimit counts one socket's client frames in fixed windows starting at the first frame of each: at most
 * {@code frames} per {@code windowNanos}. Gateway payloads and WebSocket pings and pongs share it, so a client
 * cannot make the server answer (and queue) more than that many frames per window whatever it sends. Two fields, no
 * allocation; used on the socket's event loop only.
 */
final class FrameRateLimit {
    private final int frames;
    private final long windowNanos;
    private long windowStartNanos;
    private int framesInWindow;

    FrameRateLimit(int frames, long windowNanos) {
        this.frames = frames;
        this.windowNanos = windowNanos;
    }

    /** Counts a frame that arrived at {@code nowNanos}; false when it is one too many for its window. */
    boolean admit(long nowNanos) {
        if (framesInWindow == 0 || nowNanos - windowStartNanos >= windowNanos) {
            windowStartNanos = nowNanos;
            framesInWindow = 0;
        }
        return ++framesInWindow <= frames;
    }

    int frames() {
        return frames;
    }

    long windowNanos() {
        return windowNanos;
    }
}
