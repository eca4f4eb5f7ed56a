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

    public GatewayMetrics() {
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

    /** A socket closed with {@code code}, sent by the client or the server. */
    public void closed(int code, boolean byClient) {
        String key = code + (byClient ? "c" : "s");
        closes.computeIfAbsent(key, k -> Counter.builder("derailed.closes").tag("code", Integer.toString(code))
                .tag("by", byClient ? "client" : "server").register(registry)).increment();
    }

    /** Bytes written to sockets, by the compression they were written with. */
    public void bytesOut(String compression, long bytes) {
        bytesOut.computeIfAbsent(compression, c -> Counter.builder("derailed.bytes.out").tag("compression", c)
                .baseUnit("bytes").register(registry)).increment(bytes);
    }

    /** A session's replay buffer grew or shrank. */
    public void replayBuffer(long bytesDelta, int eventsDelta) {
        replayBytes.add(bytesDelta);
        replayEvents.add(eventsDelta);
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
