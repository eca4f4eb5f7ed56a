package one.derailed.gateway.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.protocol.CloseCode;

/**
 * OverloadShedder keeps a node under its client-bytes bound ({@code derailed.overload.max-client-bytes}): checked a
 * few times a second (one sum of adders), and only when the node is over it does it look at the sockets, closing the
 * ones that read slowest (most bytes queued, at least {@value #MIN_SHED_BYTES}) resumably, with 4000, until what they
 * hold covers the excess down to {@value #SHED_TO_PERCENT}% of the bound. Their sessions keep buffering for a RESUME
 * within their own bounds, as for any client that stops reading. Meanwhile the gRPC ingress refuses publishes
 * ({@code OverloadGuard}), so the excess stops growing.
 *
 * <p>When the slow sockets cannot cover the excess (it is held in the replay buffers of sessions whose clients are
 * away), those sessions are told to give their buffers up ({@link SessionProtocol.Reclaim}), at most once per
 * {@value #RECLAIM_INTERVAL_MILLIS} ms: a node that refuses every publish until their resume window ends would be
 * safe but of no use.
 */
final class OverloadShedder implements Runnable {
    static final long CHECK_INTERVAL_MILLIS = 100;
    /** Where shedding aims: below the bound, so that the node does not hover at it. */
    static final int SHED_TO_PERCENT = 90;
    static final String REASON = "the gateway is overloaded: resume in a moment";
    /** A socket with less queued reads well enough: closing it would free nothing worth a reconnect. */
    static final long MIN_SHED_BYTES = 64 * 1024;
    static final long RECLAIM_INTERVAL_MILLIS = 1_000;

    private final ChannelGroup sockets;
    private final SessionDirectory sessions;
    private final ClientBytes bytes;
    private final GatewayMetrics metrics;
    private long lastReclaimNanos;

    /** {@code sessions} is null on a node without sessions. */
    OverloadShedder(ChannelGroup sockets, SessionDirectory sessions, GatewayMetrics metrics) {
        this.sockets = sockets;
        this.sessions = sessions;
        this.bytes = metrics.clientBytes();
        this.metrics = metrics;
    }

    @Override
    public void run() {
        long total = bytes.total();
        if (total <= bytes.limit()) {
            return;
        }
        long excess = total - bytes.limit() / 100 * SHED_TO_PERCENT;
        List<Queued> open = new ArrayList<>();
        long leaving = 0;
        for (Channel socket : sockets) {
            ChannelConnection connection = socket.attr(ChannelConnection.KEY).get();
            long queued = queued(socket);
            if (connection == null || queued < MIN_SHED_BYTES) {
                continue;
            }
            if (connection.closing()) {
                leaving += queued;
            } else {
                open.add(new Queued(connection, queued));
            }
        }
        open.sort(Comparator.comparingLong(Queued::bytes).reversed());
        int shed = 0;
        for (Queued slow : open) {
            if (leaving >= excess) {
                break;
            }
            slow.connection().close(CloseCode.UNKNOWN_ERROR, REASON);
            leaving += slow.bytes();
            shed++;
        }
        if (shed > 0) {
            metrics.overloadShed(shed);
        }
        if (leaving < excess && bytes.held(ClientBytes.Kind.REPLAY) > 0 && sessions != null
                && System.nanoTime() - lastReclaimNanos > RECLAIM_INTERVAL_MILLIS * 1_000_000) {
            lastReclaimNanos = System.nanoTime();
            metrics.overloadReclaim();
            sessions.forEach(session -> session.tell(SessionProtocol.Reclaim.INSTANCE));
        }
    }

    private static long queued(Channel socket) {
        ChannelOutboundBuffer buffer = socket.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private record Queued(ChannelConnection connection, long bytes) {}
}
