package one.derailed.gateway.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import one.derailed.gateway.core.overload.ClientBytes;

/**
 * GatewayMetrics is one node's figures, served as Prometheus text on /metrics. Every hot-path update is a counter
 * increment or an adder; nothing allocates per event.
 */
public final class GatewayMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter publishedToGuilds;
    private final Counter publishedToUsers;
    private final Counter delivered;
    private final Counter guildPublishes;
    private final Counter relayMessages;
    private final Counter resumes;
    private final Counter sessionsMovedIn;
    private final Counter invalidSessions;
    private final Counter heartbeatTimeouts;
    private final Counter relayFailures;
    private final Counter duplicatePublishes;
    private final Counter relayGaps;
    private final ConcurrentHashMap<String, Counter> renewals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> sessionEnds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> closes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> bytesOut = new ConcurrentHashMap<>();
    private final LongAdder replayBytes = new LongAdder();
    private final LongAdder replayEvents = new LongAdder();
    private final AtomicInteger liveGuilds = new AtomicInteger();
    private final AtomicInteger liveUsers = new AtomicInteger();
    private final AtomicInteger readyQueued = new AtomicInteger();
    private final AtomicInteger readyRunning = new AtomicInteger();
    private final Counter readyRefused;
    private final Counter readyExpired;
    private final Counter overloadShed;
    private final Counter overloadRefused;
    private final Counter overloadReclaims;
    private final ClientBytes clientBytes;
    private final Counter httpTimeoutsInRequest;
    private final Counter httpTimeoutsIdle;
    private final Counter identifyTimeouts;
    private final ConcurrentHashMap<String, Counter> edgeRefusals = new ConcurrentHashMap<>();

    /** A node's figures with a client-bytes account of their own (tests, tools). */
    public GatewayMetrics() {
        this(new ClientBytes(Long.MAX_VALUE));
    }

    /** A node's figures; {@code clientBytes} is the node's account of what it holds for clients. */
    public GatewayMetrics(ClientBytes clientBytes) {
        this.clientBytes = clientBytes;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", GatewayMetrics::residentBytes).baseUnit("bytes")
                .description("resident set size of this process (Linux)").register(registry);
        publishedToGuilds = Counter.builder("derailed.events.published").tag("target", "guild")
                .description("events accepted by the ingress").register(registry);
        publishedToUsers = Counter.builder("derailed.events.published").tag("target", "user").register(registry);
        delivered = Counter.builder("derailed.events.delivered")
                .description("dispatches handed to this node's sessions").register(registry);
        guildPublishes = Counter.builder("derailed.guild.publishes")
                .description("events fanned out by this node's guilds").register(registry);
        relayMessages = Counter.builder("derailed.guild.relay.messages")
                .description("messages guilds sent to node relays; per publish it is the number of nodes reached")
                .register(registry);
        resumes = Counter.builder("derailed.sessions.resumed").register(registry);
        sessionsMovedIn = Counter.builder("derailed.sessions.moved.in")
                .description("sessions moved to this node from another (a resume elsewhere, a node leaving)")
                .register(registry);
        invalidSessions = Counter.builder("derailed.sessions.invalid")
                .description("op 9 INVALID_SESSION sent").register(registry);
        heartbeatTimeouts = Counter.builder("derailed.heartbeat.timeouts").register(registry);
        relayFailures = Counter.builder("derailed.relay.failures")
                .description("messages a relay could not hand out; the sessions they named ended").register(registry);
        relayGaps = Counter.builder("derailed.relay.gaps")
                .description("times a relay found messages from an entity lost on the way (its sessions resynced)")
                .register(registry);
        duplicatePublishes = Counter.builder("derailed.events.duplicates")
                .description("publishes answered from their idempotency key, not sent again").register(registry);
        Gauge.builder("derailed.replay.buffer.bytes", replayBytes, LongAdder::sum)
                .description("bytes held in this node's replay buffers").baseUnit("bytes").register(registry);
        Gauge.builder("derailed.replay.buffer.events", replayEvents, LongAdder::sum).register(registry);
        Gauge.builder("derailed.guilds.live", liveGuilds, AtomicInteger::get).register(registry);
        Gauge.builder("derailed.ready.queued", readyQueued, AtomicInteger::get)
                .description("asks waiting for a Ready worker on this node").register(registry);
        Gauge.builder("derailed.ready.running", readyRunning, AtomicInteger::get)
                .description("Ready reads running on this node").register(registry);
        readyRefused = Counter.builder("derailed.ready.refused")
                .description("asks refused because the Ready queue was full (IDENTIFY: close 4000)").register(registry);
        readyExpired = Counter.builder("derailed.ready.expired")
                .description("asks dropped unread because their asker had stopped waiting").register(registry);
        for (ClientBytes.Kind kind : ClientBytes.Kind.values()) {
            Gauge.builder("derailed.client.bytes", clientBytes, bytes -> bytes.held(kind)).tag("kind", kind.label())
                    .description("bytes this node holds for its clients, counted per recipient")
                    .baseUnit("bytes").register(registry);
        }
        Gauge.builder("derailed.client.bytes.limit", clientBytes, ClientBytes::limit).baseUnit("bytes")
                .description("derailed.overload.max-client-bytes: past it the ingress refuses and slow sockets close")
                .register(registry);
        httpTimeoutsInRequest = Counter.builder("derailed.http.timeouts").tag("phase", "request")
                .description("connections closed for not completing a request (408) or idling when kept alive")
                .register(registry);
        httpTimeoutsIdle = Counter.builder("derailed.http.timeouts").tag("phase", "keep-alive").register(registry);
        identifyTimeouts = Counter.builder("derailed.identify.timeouts")
                .description("sockets closed (4003) for not identifying within derailed.websocket.identify-timeout")
                .register(registry);
        overloadShed = Counter.builder("derailed.overload.shed")
                .description("sockets closed (4000, resumable) to bring client bytes under the node's bound")
                .register(registry);
        overloadReclaims = Counter.builder("derailed.overload.reclaims")
                .description("times sessions whose clients were away were told to give up their replay buffers")
                .register(registry);
        overloadRefused = Counter.builder("derailed.overload.refused")
                .description("publishes refused (RESOURCE_EXHAUSTED) while client bytes were over the node's bound")
                .register(registry);
        Gauge.builder("derailed.users.live", liveUsers, AtomicInteger::get).register(registry);
    }

    /** Registers a gauge read at scrape time (sessions, outbound queues). */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every figure. */
    public String scrape() {
        return registry.scrape();
    }

    public void publishedToGuild() {
        publishedToGuilds.increment();
    }

    public void publishedToUser() {
        publishedToUsers.increment();
    }

    public void delivered(int sessions) {
        delivered.increment(sessions);
    }

    /** A guild fanned one event out as {@code nodes} relay messages. */
    public void guildFanOut(int nodes) {
        guildPublishes.increment();
        relayMessages.increment(nodes);
    }

    public void relayFailure() {
        relayFailures.increment();
    }

    public void relayGap() {
        relayGaps.increment();
    }

    public void duplicatePublish() {
        duplicatePublishes.increment();
    }

    /**
     * A session renewed with a guild's or user's new incarnation: {@code outcome} "replayed" (it got what it missed
     * from the renewal log) or "resynced" (the log could not tell: the client was told the guild was unavailable).
     */
    public void renewal(String outcome) {
        renewals.computeIfAbsent(outcome, o -> Counter.builder("derailed.renewals").tag("outcome", o)
                .register(registry)).increment();
    }

    /** A session ended because it could not be served exactly any more ({@code reason}: a short tag). */
    public void sessionEnded(String reason) {
        sessionEnds.computeIfAbsent(reason, r -> Counter.builder("derailed.sessions.ended").tag("reason", r)
                .register(registry)).increment();
    }

    public void resumed() {
        resumes.increment();
    }

    public void sessionMovedIn() {
        sessionsMovedIn.increment();
    }

    public void invalidSession() {
        invalidSessions.increment();
    }

    public void heartbeatTimeout() {
        heartbeatTimeouts.increment();
    }

    /**
     * A socket closed with {@code code}, sent by the client or the server. A client may close with any of some 2,000
     * codes; those the gateway gives no meaning count as "other", so clients cannot grow the registry.
     */
    public void closed(int code, boolean byClient) {
        String label = byClient && !knownCloseCode(code) ? "other" : Integer.toString(code);
        String key = label + (byClient ? "c" : "s");
        closes.computeIfAbsent(key, k -> Counter.builder("derailed.closes").tag("code", label)
                .tag("by", byClient ? "client" : "server").register(registry)).increment();
    }

    /** RFC 6455's codes, the gateway's own, and 4200, which discord.js closes with when it gives up a socket. */
    private static boolean knownCloseCode(int code) {
        return (code >= 1000 && code <= 1015) || code == 4200
                || one.derailed.gateway.protocol.CloseCode.of(code).isPresent();
    }

    /** A connection timed out waiting for its first request ({@code firstRequest}) or its next one. */
    public void httpTimeout(boolean firstRequest) {
        (firstRequest ? httpTimeoutsInRequest : httpTimeoutsIdle).increment();
    }

    public void identifyTimeout() {
        identifyTimeouts.increment();
    }

    /** A connection was refused at accept: too many unidentified on the {@code node} or from one {@code address}. */
    public void edgeRefused(String limit) {
        edgeRefusals.computeIfAbsent(limit, l -> Counter.builder("derailed.sockets.refused").tag("limit", l)
                .description("connections refused at accept (503): too many not identified yet")
                .register(registry)).increment();
    }

    /** A Ready ask was queued or left the queue ({@code queued}), or a read started or ended ({@code running}). */
    public void readyQueue(int queued, int running) {
        readyQueued.addAndGet(queued);
        readyRunning.addAndGet(running);
    }

    public void readyRefused() {
        readyRefused.increment();
    }

    public void readyExpired() {
        readyExpired.increment();
    }

    /** The node's account of the bytes it holds for clients (socket queues, session mailboxes, replay buffers). */
    public ClientBytes clientBytes() {
        return clientBytes;
    }

    /** {@code sockets} sockets were closed to bring the node under its client-bytes bound. */
    public void overloadShed(int sockets) {
        overloadShed.increment(sockets);
    }

    /** Sessions whose clients are away were told to give up their replay buffers. */
    public void overloadReclaim() {
        overloadReclaims.increment();
    }

    /** A publish was refused because the node held more for its clients than its bound. */
    public void overloadRefused() {
        overloadRefused.increment();
    }

    /**
     * The counter of bytes written to sockets with the given compression; a socket keeps its own so that a write
     * costs no lookup.
     */
    public Counter bytesOut(String compression) {
        return bytesOut.computeIfAbsent(compression, c -> Counter.builder("derailed.bytes.out").tag("compression", c)
                .baseUnit("bytes").register(registry));
    }

    /** A session's replay buffer grew or shrank. */
    public void replayBuffer(long bytesDelta, int eventsDelta) {
        replayBytes.add(bytesDelta);
        replayEvents.add(eventsDelta);
        clientBytes.add(ClientBytes.Kind.REPLAY, bytesDelta);
    }

    public void guildStarted() {
        liveGuilds.incrementAndGet();
    }

    public void guildStopped() {
        liveGuilds.decrementAndGet();
    }

    public void userStarted() {
        liveUsers.incrementAndGet();
    }

    public void userStopped() {
        liveUsers.decrementAndGet();
    }

    /** A timer for gRPC calls by method. */
    public Timer grpcTimer(String method, String status) {
        return Timer.builder("derailed.grpc.calls").tag("method", method).tag("status", status)
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
