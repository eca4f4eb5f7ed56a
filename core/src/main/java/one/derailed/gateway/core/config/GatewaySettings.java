package one.derailed.gateway.core.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import one.derailed.gateway.core.user.User;
import one.derailed.gateway.store.DatabaseSettings;

/**
 * GatewaySettings is every setting of a node, read in one place from the {@code derailed} block of the configuration
 * (defaults and environment overrides live in derailed.conf; docs/configuration.md lists them).
 */
public record GatewaySettings(
        WebSocket webSocket,
        Grpc grpc,
        DatabaseSettings database,
        Sessions sessions,
        Guilds guilds,
        Ingress ingress,
        Ready ready,
        RelayLanes relayLanes,
        Operator operator,
        Overload overload,
        Set<String> roles,
        boolean seedDemo) {

    /**
     * Every role a node can run, in the order docs list them. {@code websocket} accepts clients (a node without it
     * serves only health, readiness and metrics over HTTP), {@code sessions} holds their sessions, {@code guilds} and
     * {@code users} host those entities, {@code ready} runs Ready workers, {@code grpc} runs the ingress.
     */
    public static final java.util.List<String> ROLES = java.util.List.of(
            "websocket", "sessions", "guilds", "users", "ready", "grpc");

    /**
     * The WebSocket edge: where it listens, what clients are told, and its limits: per socket (heartbeats, payload and
     * frame sizes, the outbound high-water mark, the client frame rate) and before a socket identifies (how long an
     * HTTP request or WebSocket upgrade may take, how long a kept-alive HTTP connection may idle, how long an upgraded
     * socket may take to identify, how many sockets may be unidentified at once on the node and per address, and how
     * many HTTP requests one connection may pipeline).
     */
    public record WebSocket(String host, int port, String publicUrl, Duration heartbeatInterval,
                            Duration heartbeatTimeout, int maxPayloadBytes, int maxFrameBytes,
                            int outboundHighWaterBytes, int rateLimitFrames, Duration rateLimitWindow,
                            Duration handshakeTimeout, Duration keepAliveTimeout, Duration identifyTimeout,
                            int maxUnidentified, int maxUnidentifiedPerAddress, int maxPipelinedRequests) {}

    /** The gRPC ingress: where it listens, and how many calls and request bytes it runs at once. */
    public record Grpc(String host, int port, int maxInflightCalls, long maxInflightBytes) {
        /** An ingress with the default bound on request bytes. */
        public Grpc(String host, int port, int maxInflightCalls) {
            this(host, port, maxInflightCalls, 256L * 1024 * 1024);
        }
    }

    /**
     * The operator listener (metrics, and whatever operators are served later): where it listens and the bearer
     * token it requires (empty: none, allowed only on loopback unless {@code allowUnauthenticatedRemote}).
     */
    public record Operator(String host, int port, String token, boolean allowUnauthenticatedRemote) {
        @Override
        public String toString() {
            return "Operator[host=" + host + ", port=" + port + ", token=" + (token.isEmpty() ? "(none)" : "(set)")
                    + ", allowUnauthenticatedRemote=" + allowUnauthenticatedRemote + "]";
        }
    }

    /** The node-wide bound on what the node holds for its clients ({@code ClientBytes}). */
    public record Overload(long maxClientBytes) {}

    /**
     * Session behaviour: how long identify may take, which privileged intents bots get, how long a session outlives
     * its socket, the bounds of its replay buffer, and how sessions move between nodes.
     */
    public record Sessions(Duration readyTimeout, int privilegedIntentsForBots, Duration resumeTimeout,
                           int replayMaxEvents, long replayMaxBytes, User.StartLimits startLimits,
                           Handoff handoff) {}

    /**
     * Moving sessions between nodes: how long a resume waits for another node to find its session, how long a move
     * may take before the session gives up on it, and how long a leaving node waits for its sessions to move.
     */
    public record Handoff(Duration locateTimeout, Duration moveTimeout, Duration evacuateDeadline) {}

    /** Guild entities: how long an idle guild with no subscribers lives, and the stash bound while loading. */
    public record Guilds(Duration idleTimeout, int stashCapacity, int fullGuildCreateMaxMembers) {}

    /** Publishing through the ingress: how long an entity may take to accept an event. */
    public record Ingress(Duration askTimeout) {}

    /**
     * The Ready desk: how many reads run at once on this node (each may hold one database connection), and how many
     * asks may wait for one in each of its queues (token checks for RESUME, everything else) before the next is
     * refused.
     */
    public record Ready(int workers, int queueCapacity) {}

    /**
     * The node relay's lanes: {@code count} actors that hand events to sessions in parallel, and the batch size
     * above which the relay always splits a message over them rather than handing it out itself.
     */
    public record RelayLanes(int count, int splitAbove) {}

    public static GatewaySettings from(Config root) {
        Config c = root.getConfig("derailed");
        Config ws = c.getConfig("websocket");
        Config grpc = c.getConfig("grpc");
        Config db = c.getConfig("db");
        Config operator = c.getConfig("operator");
        return new GatewaySettings(
                new WebSocket(ws.getString("host"), ws.getInt("port"), ws.getString("public-url"),
                        ws.getDuration("heartbeat-interval"), ws.getDuration("heartbeat-timeout"),
                        ws.getInt("max-payload-bytes"), ws.getInt("max-frame-bytes"),
                        (int) ws.getBytes("outbound-high-water").longValue(), ws.getInt("rate-limit.frames"),
                        ws.getDuration("rate-limit.window"), ws.getDuration("handshake-timeout"),
                        ws.getDuration("keep-alive-timeout"), ws.getDuration("identify-timeout"),
                        ws.getInt("max-unidentified"), ws.getInt("max-unidentified-per-address"),
                        ws.getInt("max-pipelined-requests")),
                new Grpc(grpc.getString("host"), grpc.getInt("port"), grpc.getInt("max-inflight-calls"),
                        grpc.getBytes("max-inflight-bytes")),
                new DatabaseSettings(db.getString("url"), db.getString("user"), db.getString("password"),
                        db.getInt("max-pool-size"), db.getBoolean("migrate")),
                new Sessions(c.getDuration("sessions.ready-timeout"),
                        intents(c.getStringList("sessions.privileged-intents-for-bots")),
                        c.getDuration("sessions.resume-timeout"), c.getInt("sessions.replay-buffer.max-events"),
                        c.getBytes("sessions.replay-buffer.max-bytes"),
                        new User.StartLimits(c.getInt("sessions.session-start-limit.total"),
                                c.getDuration("sessions.session-start-limit.window"),
                                c.getInt("sessions.identify.max-concurrency"),
                                c.getDuration("sessions.identify.interval")),
                        new Handoff(c.getDuration("sessions.handoff.locate-timeout"),
                                c.getDuration("sessions.handoff.move-timeout"),
                                c.getDuration("sessions.handoff.evacuate-deadline"))),
                new Guilds(c.getDuration("guilds.idle-timeout"), c.getInt("guilds.stash-capacity"),
                        c.getInt("guilds.full-guild-create-max-members")),
                new Ingress(c.getDuration("ingress.ask-timeout")),
                new Ready(c.getInt("ready.workers"), c.getInt("ready.queue-capacity")),
                new RelayLanes(c.getInt("relay.lanes"), c.getInt("relay.split-above")),
                new Operator(operator.getString("host"), operator.getInt("port"), operator.getString("token").strip(),
                        operator.getBoolean("allow-unauthenticated-remote")),
                new Overload(maxClientBytes(root)),
                roles(c.getStringList("roles")),
                c.getBoolean("seed-demo"));
    }

    /**
     * {@code derailed.overload.max-client-bytes}: a size, or {@code auto} for a quarter of the largest heap this JVM
     * may use (the bytes counted live on the heap and in Netty's direct buffers, bounded by the heap size too).
     */
    public static long maxClientBytes(Config root) {
        String path = "derailed.overload.max-client-bytes";
        if (root.getValue(path).unwrapped().toString().equalsIgnoreCase("auto")) {
            return Math.max(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
        }
        return root.getBytes(path);
    }

    /** The roles named, refusing a name that is no role (a typo would leave a node silently doing nothing). */
    private static Set<String> roles(java.util.List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("derailed.roles: a node needs at least one role of "
                    + String.join(", ", ROLES));
        }
        for (String name : names) {
            if (!ROLES.contains(name)) {
                throw new IllegalArgumentException("derailed.roles: unknown role '" + name + "'; the roles are "
                        + String.join(", ", ROLES));
            }
        }
        // A session lives on the node that holds its socket: the two roles are one deployment unit, named apart so
        // operators see both parts of an edge node.
        if (names.contains("websocket") != names.contains("sessions")) {
            throw new IllegalArgumentException("derailed.roles: websocket and sessions go together (a session lives "
                    + "on the node that holds its socket); name both or neither");
        }
        return new TreeSet<>(names);
    }

    private static int intents(java.util.List<String> names) {
        int bits = 0;
        for (String name : names) {
            bits |= switch (name) {
                case "GUILD_MEMBERS" -> one.derailed.gateway.protocol.Intents.GUILD_MEMBERS;
                case "GUILD_PRESENCES" -> one.derailed.gateway.protocol.Intents.GUILD_PRESENCES;
                case "MESSAGE_CONTENT" -> one.derailed.gateway.protocol.Intents.MESSAGE_CONTENT;
                default -> throw new IllegalArgumentException(
                        "derailed.sessions.privileged-intents-for-bots: unknown privileged intent " + name);
            };
        }
        return bits;
    }
}
