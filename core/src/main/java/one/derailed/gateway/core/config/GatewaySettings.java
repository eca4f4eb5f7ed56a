package one.derailed.gateway.core.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
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
        Limits limits,
        Operator operator,
        Overload overload,
        Set<String> roles,
        boolean seedDemo,
        Admin admin) {

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
                            int maxUnidentified, int maxUnidentifiedPerAddress, int maxPipelinedRequests,
                            String transport) {}

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
     * its socket, the bounds of its replay buffer, how sessions move between nodes, and whether a session runs on
     * its socket's event loop ({@code onSocketLoop}).
     */
    public record Sessions(Duration readyTimeout, int privilegedIntentsForBots, Duration resumeTimeout,
                           int replayMaxEvents, long replayMaxBytes, StartLimits startLimits,
                           Handoff handoff, Retry subscribeRetry, Duration subscribeUnansweredAfter,
                           boolean onSocketLoop) {}

    /** The limits on starting sessions (REFERENCE.md §1: 1000 per 24 h, max_concurrency per 5 s). */
    public record StartLimits(int total, Duration window, int maxConcurrency, Duration identifyInterval) {}

    /** Retrying with backoff: the first wait, doubled each time up to {@code max}. */
    public record Retry(Duration first, Duration max) {
        /** The wait before try {@code attempt} (2 for the first retry). */
        public Duration before(int attempt) {
            long millis = first.toMillis() << Math.min(20, Math.max(0, attempt - 2));
            return Duration.ofMillis(Math.min(millis, max.toMillis()));
        }
    }

    /**
     * Moving sessions between nodes: how long a resume waits for another node to find its session, how long a move
     * may take before the session gives up on it, and how long a leaving node waits for its sessions to move.
     */
    public record Handoff(Duration locateTimeout, Duration moveTimeout, Duration evacuateDeadline) {
        /** The longest a claim may look for a session: its locate timeout, then a move once the session is coming. */
        public Duration longestClaim() {
            return locateTimeout.plus(moveTimeout);
        }
    }

    /**
     * Guild (and user) entities: how long an idle one with no subscribers lives, the stash bound while loading, the
     * size past which GUILD_CREATE lists only the receiver, how a failed load is retried, how a new incarnation
     * serves the sessions of the one before (renewal window, its log's bounds, how long it waits for a handover),
     * how long a removed member's return is checked against the store, and how long idempotency keys are kept.
     */
    public record Guilds(Duration idleTimeout, int stashCapacity, int fullGuildCreateMaxMembers, Retry loadRetry,
                         Duration renewalWindow, int renewalLogMaxEvents, long renewalLogMaxBytes,
                         Duration handoverWait, Duration removalMemory, int removalMemoryMaxUsers,
                         Duration idempotencyWindow, int idempotencyMaxKeys) {}

    /**
     * Sizes, in one place, so that every message between nodes fits the cluster's frame: the largest event the
     * ingress takes, GUILD_CREATE past which the large-guild form is sent, the cached guild document, guilds per
     * session (Discord's sharding rule), members per GUILD_MEMBERS_CHUNK and per page read from the store,
     * memberships per READY page, recipients per delivery between nodes, and the largest message between nodes.
     */
    public record Limits(long maxEventBytes, long maxGuildCreateBytes, long maxGuildDocumentBytes,
                         int maxGuildsPerSession, int memberChunkSize, int membershipsPerPage,
                         int maxRecipientsPerDelivery, long maxMemberObjectBytes, long maxClusterMessageBytes) {

        /** Room for a message's envelope, ids and small fields beside its bounded parts. */
        static final long ENVELOPE_BYTES = 64 * 1024;

        /**
         * Checks that every bounded message fits between nodes: an event with a delivery's recipients, a
         * GUILD_CREATE, a moving session's replay buffer, a page of memberships or members, a renewal log.
         */
        void check(long replayMaxBytes, long renewalLogMaxBytes, int idempotencyMaxKeys) {
            fits("an event with its recipients (limits.max-event-bytes + 8 x limits.max-recipients-per-delivery)",
                    maxEventBytes + 8L * maxRecipientsPerDelivery);
            fits("a GUILD_CREATE (limits.max-guild-create-bytes)", maxGuildCreateBytes);
            fits("a moving session's replay buffer (sessions.replay-buffer.max-bytes)",
                    replayMaxBytes + 16L * maxGuildsPerSession);
            fits("a page of members (limits.member-chunk-size x limits.max-member-object-bytes)",
                    memberChunkSize * maxMemberObjectBytes);
            fits("a page of memberships (limits.memberships-per-page x limits.max-member-object-bytes)",
                    membershipsPerPage * maxMemberObjectBytes);
            fits("a renewal log with its keys (guilds.renewal-log.max-bytes + 128 x guilds.idempotency.max-keys)",
                    renewalLogMaxBytes + 128L * idempotencyMaxKeys);
            if (replayMaxBytes < maxEventBytes + 1024) {
                throw new IllegalArgumentException("sessions.replay-buffer.max-bytes (" + replayMaxBytes
                        + ") must hold the largest event (limits.max-event-bytes = " + maxEventBytes + ")");
            }
        }

        private void fits(String what, long bytes) {
            if (bytes + ENVELOPE_BYTES > maxClusterMessageBytes) {
                throw new IllegalArgumentException(what + " needs " + (bytes + ENVELOPE_BYTES)
                        + " bytes between nodes, over cluster.max-message-bytes = " + maxClusterMessageBytes);
            }
        }
    }

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

    /**
     * The admin page and API ({@code core/admin}): how long the node serving them waits for each node's answer, how
     * often each node samples its rates and how many samples it keeps, how many guilds its census tracks and how many
     * of them it reports, and how many of a user's sessions a lookup describes.
     */
    public record Admin(Duration askTimeout, Duration sampleInterval, int samples, int trackedGuilds, int topGuilds,
                        int describedSessions) {
        public Admin {
            if (sampleInterval.toMillis() < 1000) {
                throw new IllegalArgumentException("derailed.admin.sample-interval must be at least 1s");
            }
            if (samples < 2 || trackedGuilds < 1 || topGuilds < 1 || describedSessions < 1) {
                throw new IllegalArgumentException("derailed.admin: history must hold two samples, and "
                        + "tracked-guilds, top-guilds and described-sessions must be positive");
            }
            topGuilds = Math.min(topGuilds, trackedGuilds);
        }
    }

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
                        ws.getInt("max-pipelined-requests"), ws.getString("transport")),
                new Grpc(grpc.getString("host"), grpc.getInt("port"), grpc.getInt("max-inflight-calls"),
                        grpc.getBytes("max-inflight-bytes")),
                new DatabaseSettings(db.getString("url"), db.getString("user"), db.getString("password"),
                        db.getInt("max-pool-size"), db.getBoolean("migrate")),
                new Sessions(c.getDuration("sessions.ready-timeout"),
                        intents(c.getStringList("sessions.privileged-intents-for-bots")),
                        c.getDuration("sessions.resume-timeout"), c.getInt("sessions.replay-buffer.max-events"),
                        c.getBytes("sessions.replay-buffer.max-bytes"),
                        new StartLimits(c.getInt("sessions.session-start-limit.total"),
                                c.getDuration("sessions.session-start-limit.window"),
                                c.getInt("sessions.identify.max-concurrency"),
                                c.getDuration("sessions.identify.interval")),
                        new Handoff(c.getDuration("sessions.handoff.locate-timeout"),
                                c.getDuration("sessions.handoff.move-timeout"),
                                c.getDuration("sessions.handoff.evacuate-deadline")),
                        retry(c.getConfig("sessions.subscribe-retry")),
                        c.getDuration("sessions.subscribe-retry.unanswered-after"),
                        c.getBoolean("sessions.on-socket-loop")),
                new Guilds(c.getDuration("guilds.idle-timeout"), c.getInt("guilds.stash-capacity"),
                        c.getInt("guilds.full-guild-create-max-members"), retry(c.getConfig("guilds.load-retry")),
                        c.getDuration("guilds.renewal.window"), c.getInt("guilds.renewal.log-max-events"),
                        c.getBytes("guilds.renewal.log-max-bytes"), c.getDuration("guilds.renewal.handover-wait"),
                        c.getDuration("guilds.removal-memory.window"), c.getInt("guilds.removal-memory.max-users"),
                        c.getDuration("guilds.idempotency.window"), c.getInt("guilds.idempotency.max-keys")),
                new Ingress(c.getDuration("ingress.ask-timeout")),
                new Ready(c.getInt("ready.workers"), c.getInt("ready.queue-capacity")),
                new RelayLanes(c.getInt("relay.lanes"), c.getInt("relay.split-above")),
                limits(c),
                new Operator(operator.getString("host"), operator.getInt("port"), operator.getString("token").strip(),
                        operator.getBoolean("allow-unauthenticated-remote")),
                new Overload(maxClientBytes(root)),
                roles(c.getStringList("roles")),
                c.getBoolean("seed-demo"),
                admin(c.getConfig("admin")));
    }

    private static Admin admin(Config a) {
        Duration interval = a.getDuration("sample-interval");
        return new Admin(a.getDuration("ask-timeout"), interval,
                (int) Math.max(2, a.getDuration("history").toMillis() / Math.max(1, interval.toMillis())),
                a.getInt("tracked-guilds"), a.getInt("top-guilds"), a.getInt("described-sessions"));
    }

    private static Limits limits(Config c) {
        Config l = c.getConfig("limits");
        Limits limits = new Limits(l.getBytes("max-event-bytes"), l.getBytes("max-guild-create-bytes"),
                l.getBytes("max-guild-document-bytes"), l.getInt("max-guilds-per-session"),
                l.getInt("member-chunk-size"), l.getInt("memberships-per-page"),
                l.getInt("max-recipients-per-delivery"), l.getBytes("max-member-object-bytes"),
                c.getBytes("cluster.max-message-bytes"));
        limits.check(c.getBytes("sessions.replay-buffer.max-bytes"), c.getBytes("guilds.renewal.log-max-bytes"),
                c.getInt("guilds.idempotency.max-keys"));
        return limits;
    }

    private static Retry retry(Config c) {
        return new Retry(c.getDuration("first"), c.getDuration("max"));
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
