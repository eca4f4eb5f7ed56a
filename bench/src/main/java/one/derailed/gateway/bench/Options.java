package one.derailed.gateway.bench;

import java.nio.file.Path;
import java.util.List;
import one.derailed.gateway.bench.wire.Endpoint;
import picocli.CommandLine.Option;

/** The command-line options the scenarios share, as picocli mixins. */
final class Options {
    private Options() {}

    /** How the sessions connect, identify and behave. */
    static final class Fleet {
        @Option(names = "--tokens", required = true,
                description = "Tokens file: user_id<TAB>token[<TAB>guild_id] per line (written by `prepare`).")
        Path tokens;

        @Option(names = {"-n", "--sessions"}, defaultValue = "0",
                description = "Sessions to open (0: one per line of the tokens file).")
        int sessions;

        @Option(names = "--sources", defaultValue = "1",
                description = "Spread sessions over source addresses 127.0.0.1..127.0.0.K (about 28k sessions per"
                        + " address fit in the ephemeral port range). Default: ${DEFAULT-VALUE}.")
        int sources;

        @Option(names = "--connect-rate", defaultValue = "2000",
                description = "New connections per second (0: as fast as --max-pending-connects allows)."
                        + " Default: ${DEFAULT-VALUE}.")
        int connectRate;

        @Option(names = "--max-pending-connects", defaultValue = "500",
                description = "Connections between connect and HELLO at once. Default: ${DEFAULT-VALUE}.")
        int maxPendingConnects;

        @Option(names = "--identify-rate", defaultValue = "0",
                description = "IDENTIFYs per second (0: as fast as --max-pending-identifies allows)."
                        + " Default: ${DEFAULT-VALUE}.")
        int identifyRate;

        @Option(names = "--max-pending-identifies", defaultValue = "1000",
                description = "IDENTIFYs awaiting READY at once. Default: ${DEFAULT-VALUE}.")
        int maxPendingIdentifies;

        @Option(names = "--ready-target-ms", defaultValue = "2500",
                description = "IDENTIFY to READY to aim at: while READY comes later, fewer IDENTIFYs wait at once"
                        + " (halved, then grown back as READY comes in time), so none reaches the gateway's ready"
                        + " timeout (10 s) behind a queue of its own making. 0: always --max-pending-identifies."
                        + " Default: ${DEFAULT-VALUE}.")
        int readyTargetMillis;

        @Option(names = "--compress", defaultValue = "none",
                description = "Transport compression: none, zlib-stream or zstd-stream. Default: ${DEFAULT-VALUE}.")
        String compress;

        @Option(names = "--intents", defaultValue = "513",
                description = "IDENTIFY intents (513 = GUILDS | GUILD_MESSAGES). Default: ${DEFAULT-VALUE}.")
        int intents;

        @Option(names = "--threads", defaultValue = "0",
                description = "Client event loops, one thread each (0: one per core). Default: one per core.")
        int threads;

        @Option(names = "--reconnect",
                description = "A session that loses its socket (or gets op 7) connects again, to the next endpoint,"
                        + " and RESUMEs (identifying anew after op 9), as a client library does.")
        boolean reconnect;

        @Option(names = "--depart-share", defaultValue = "0",
                description = "With --reconnect: the share of sessions that stay away instead. Default: 0.")
        double departShare;

        @Option(names = "--read-batch-micros", defaultValue = "1000",
                description = "After a wake-up that found ready sockets, let this much pass before looking again:"
                        + " one wake-up then serves many sockets (latencies come from the kernel's receive time"
                        + " stamps, so they do not include the wait). 0: read as soon as anything arrives, as"
                        + " fanout_floor's reader does. Default: ${DEFAULT-VALUE}.")
        int readBatchMicros;

        @Option(names = "--observers", defaultValue = "0",
                description = "The first N sessions also ask for GUILD_PRESENCES and count users going offline.")
        int observers;

        @Option(names = "--event", defaultValue = "MESSAGE_CREATE",
                description = "Event published (and timed) through the gRPC ingress. Default: ${DEFAULT-VALUE}.")
        String event;

        int threadCount() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }

        /** The fleet these options describe, connecting to {@code endpoints}. */
        FleetConfig config(List<Endpoint> endpoints) {
            return new FleetConfig(endpoints, sources, threadCount(), connectRate, maxPendingConnects, identifyRate,
                    maxPendingIdentifies, compress, intents, event, reconnect, departShare, observers,
                    readBatchMicros, readyTargetMillis);
        }
    }

    /** How events are published through the gRPC ingress. */
    static final class Publishing {
        @Option(names = "--payload-bytes", defaultValue = "256",
                description = "Approximate size of a published event's data. Default: ${DEFAULT-VALUE}.")
        int payloadBytes;

        @Option(names = "--max-inflight-publishes", defaultValue = "0",
                description = "Publish calls in flight at once; beyond, a due publish is skipped and counted"
                        + " (default: 64; 2,048 for many guilds).")
        int maxInflightPublishes;

        /** Fills in the defaults: many guilds need more calls at once than one guild's steps. */
        void defaults(boolean manyGuilds) {
            if (maxInflightPublishes <= 0) {
                maxInflightPublishes = manyGuilds ? 2048 : 64;
            }
        }
    }
}
