package one.derailed.gateway.bench;

import java.util.List;
import one.derailed.gateway.bench.wire.Endpoint;

/**
 * FleetConfig is how a fleet's sessions connect and behave: the gateway endpoints (the sessions start spread over
 * them; one that connects again goes to one of the others: {@link Fleet#endpointIndex}), source addresses 127.0.0.1 .. 127.0.0.{@code sources},
 * event loops, pacing, transport compression, intents, which event is timed, and what a lost socket means.
 *
 * @param reconnect   a session that loses its socket (or gets op 7) connects again and RESUMEs, as a client library
 * @param departShare with {@code reconnect}: the share of sessions (by index) that stay away instead
 * @param observers   the first {@code observers} sessions also ask for GUILD_PRESENCES and count users going offline
 * @param readBatchMicros how long a loop lets pass after a wake-up that found ready sockets before it looks again
 *                    (latencies are taken from the kernel's receive time stamps, so they do not include it)
 * @param readyTargetMillis IDENTIFY to READY the fleet aims at: above it, fewer IDENTIFYs wait at once
 *                    ({@link IdentifyWindow}); 0 keeps {@code maxPendingIdentifies} waiting throughout
 */
record FleetConfig(List<Endpoint> endpoints, int sources, int threads, int connectRate, int maxPendingConnects,
                   int identifyRate, int maxPendingIdentifies, String compress, int intents, String event,
                   boolean reconnect, double departShare, int observers, int readBatchMicros,
                   int readyTargetMillis) {

    /** GUILD_PRESENCES, the intent the observers add. */
    static final int GUILD_PRESENCES = 1 << 8;

    FleetConfig {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one endpoint");
        }
        if (sources < 1 || sources > 254) {
            throw new IllegalArgumentException("--sources must be 1..254");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (!compress.equals("none") && !compress.equals("zlib-stream") && !compress.equals("zstd-stream")) {
            throw new IllegalArgumentException("--compress must be none, zlib-stream or zstd-stream");
        }
    }

    static String query(String compress) {
        return compress.equals("none") ? "/?v=10&encoding=json" : "/?v=10&encoding=json&compress=" + compress;
    }
}
