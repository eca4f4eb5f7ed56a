package one.derailed.gateway.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The command-line options the scenarios share, as picocli mixins. */
final class Options {
    private Options() {}

    /** Where the gateway is. */
    static final class Target {
        @Option(names = "--host", defaultValue = "127.0.0.1",
                description = "Gateway host (WebSocket, HTTP and gRPC). Default: ${DEFAULT-VALUE}.")
        String host;

        @Option(names = "--port", defaultValue = "8080", description = "WebSocket/HTTP port. Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--grpc-port", defaultValue = "50051",
                description = "gRPC ingress port (publishing). Default: ${DEFAULT-VALUE}.")
        int grpcPort;

        @Option(names = "--grpc-token", description = "Bearer token for the gRPC ingress, when it asks for one.")
        String grpcToken;

        @Option(names = "--allow-remote", description = "Allow a non-loopback --host (off: only 127.0.0.0/8).")
        boolean allowRemote;

        void check() throws UnknownHostException {
            if (!allowRemote && !InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("--host " + host + " is not a loopback address; pass"
                        + " --allow-remote to load another machine");
            }
        }
    }

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

        @Option(names = "--compress", defaultValue = "none",
                description = "Transport compression: none, zlib-stream or zstd-stream. Default: ${DEFAULT-VALUE}.")
        String compress;

        @Option(names = "--intents", defaultValue = "513",
                description = "IDENTIFY intents (513 = GUILDS | GUILD_MESSAGES). Default: ${DEFAULT-VALUE}.")
        int intents;

        @Option(names = "--threads", defaultValue = "1",
                description = "Client event loop threads. Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--ready-timeout", defaultValue = "120",
                description = "Seconds to wait for every session to be READY. Default: ${DEFAULT-VALUE}.")
        int readyTimeoutSeconds;

        @Option(names = "--event", defaultValue = "MESSAGE_CREATE",
                description = "Event published (and timed) through the gRPC ingress. Default: ${DEFAULT-VALUE}.")
        String event;

        @Option(names = "--payload-bytes", defaultValue = "256",
                description = "Approximate size of a published event's data. Default: ${DEFAULT-VALUE}.")
        int payloadBytes;

        @Option(names = "--publish-threads", defaultValue = "8",
                description = "Threads making gRPC publish calls. Default: ${DEFAULT-VALUE}.")
        int publishThreads;

        @Option(names = "--max-inflight-publishes", defaultValue = "64",
                description = "Publish calls in flight at once; beyond, a due publish is skipped and counted."
                        + " Default: ${DEFAULT-VALUE}.")
        int maxInflightPublishes;

        String query() {
            return switch (compress) {
                case "none" -> "/?v=10&encoding=json";
                case "zlib-stream", "zstd-stream" -> "/?v=10&encoding=json&compress=" + compress;
                default -> throw new IllegalArgumentException("--compress must be none, zlib-stream or zstd-stream");
            };
        }
    }

    /** What the load generator reads from the server process and how often it reports. */
    static final class Server {
        @Option(names = "--server-pid", defaultValue = "0",
                description = "The gateway's process id: RSS (/proc), CPU (/proc) and heap (jcmd GC.heap_info).")
        long pid;

        @Option(names = "--metrics-url",
                description = "Prometheus endpoint (default http://HOST:PORT/metrics; its absence is tolerated).")
        String metricsUrl;

        @Option(names = "--no-metrics", description = "Do not read /metrics.")
        boolean noMetrics;

        @Option(names = "--report-every", defaultValue = "5",
                description = "Seconds between progress reports. Default: ${DEFAULT-VALUE}.")
        int reportEverySeconds;

        @Option(names = "--max-seconds", defaultValue = "900",
                description = "Hard limit on the whole run: past it the generator reports and exits."
                        + " Default: ${DEFAULT-VALUE}.")
        int maxSeconds;
    }
}
