package one.derailed.gateway.core.session;

import java.util.List;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.protocol.ServerFrames;

/**
 * Numbering gives a session's dispatches their sequence number {@code s} (from 1, one up per dispatch, never reused)
 * and keeps each in the session's {@link ReplayBuffer} for a resume, accounting the buffer's size in the node's
 * metrics.
 */
final class Numbering {
    private final ReplayBuffer replay;
    private final GatewayMetrics metrics;
    private long seq;

    Numbering(int maxEvents, long maxBytes, GatewayMetrics metrics) {
        this.replay = new ReplayBuffer(maxEvents, maxBytes);
        this.metrics = metrics;
    }

    long seq() {
        return seq;
    }

    /**
     * Numbers a dispatch, keeps it, and sends it on {@code connection} (null while the socket is away). Returns false
     * when keeping it pushed older dispatches out while the socket was away: an exact resume is then impossible.
     */
    boolean dispatch(String event, byte[] data, Connection connection) {
        seq++;
        long bytesBefore = replay.bytes();
        int eventsBefore = replay.events();
        int evicted = replay.add(seq, event, data);
        metrics.replayBuffer(replay.bytes() - bytesBefore, replay.events() - eventsBefore);
        if (connection != null) {
            connection.send(ServerFrames.dispatch(seq, event, data));
            return true;
        }
        return evicted == 0;
    }

    /** The client has every dispatch up to {@code upTo}; a RESUME never asks for less, so they leave the buffer. */
    void acknowledged(long upTo) {
        long bytesBefore = replay.bytes();
        int eventsBefore = replay.events();
        replay.dropUpTo(Math.min(upTo, seq));
        metrics.replayBuffer(replay.bytes() - bytesBefore, replay.events() - eventsBefore);
    }

    /** What a client that has everything up to {@code clientSeq} missed, or null when the buffer cannot tell. */
    List<ReplayBuffer.Entry> after(long clientSeq) {
        return replay.after(clientSeq, seq);
    }

    List<ReplayBuffer.Entry> entries() {
        return replay.entries();
    }

    /** Continues a moved session's numbering: its last number and its buffer. */
    void restore(long lastSeq, List<ReplayBuffer.Entry> entries) {
        seq = lastSeq;
        for (ReplayBuffer.Entry entry : entries) {
            replay.add(entry.seq(), entry.event(), entry.data());
        }
        metrics.replayBuffer(replay.bytes(), replay.events());
    }

    /** The session ended: its buffer leaves the node's accounting. */
    void release() {
        metrics.replayBuffer(-replay.bytes(), -replay.events());
    }

    SessionProtocol.BufferStats stats(boolean connected) {
        return new SessionProtocol.BufferStats(replay.events(), replay.bytes(), replay.peakEvents(),
                replay.peakBytes(), replay.maxEvents(), replay.maxBytes(), replay.evicted(), connected);
    }
}
