package one.derailed.gateway.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.UserGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IngressServer is the gRPC server other services publish through: {@code derailed.grpc.Guild} and
 * {@code derailed.grpc.User} on one port, behind an optional {@link BearerTokenCheck}, the node's
 * {@link OverloadGuard} and one {@link InflightLimit} (calls and request bytes),
 * plus server reflection (v1) and the standard health service (overall {@code ""} and each ingress service SERVING
 * until {@link #close()}), over plaintext or TLS.
 */
public final class IngressServer implements AutoCloseable {
    /** The largest request accepted, the gRPC default made explicit; it bounds {@code data} too. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** How long {@link #close()} lets running calls finish before cutting them off. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(IngressServer.class);
    private static final List<String> SERVICES = List.of("", GuildGrpc.SERVICE_NAME, UserGrpc.SERVICE_NAME);

    private final Server server;
    private final int port;
    private final HealthStatusManager health;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IngressServer(Server server, HealthStatusManager health) {
        this.server = server;
        this.port = server.getPort();
        this.health = health;
    }

    /**
     * Starts serving {@code ingress} as {@code settings} say: with TLS when they name a certificate, requiring the
     * bearer token on the Guild, User and reflection services when they set one (health stays open for probes).
     *
     * @throws IllegalArgumentException when the settings would expose an unguarded ingress beyond loopback
     *                                  ({@link GrpcSettings#checkExposure()})
     * @throws IOException              when the address cannot be bound or the certificate or key cannot be read
     */
    public static IngressServer start(GrpcSettings settings, EventIngress ingress) throws IOException {
        return start(settings, ingress, null);
    }

    /** As {@link #start(GrpcSettings, EventIngress)}, timing every ingress call into {@code metrics} when given. */
    public static IngressServer start(GrpcSettings settings, EventIngress ingress, GatewayMetrics metrics)
            throws IOException {
        settings.checkExposure();
        HealthStatusManager health = new HealthStatusManager();
        InflightLimit limit = new InflightLimit(settings.maxInflightCalls(), settings.maxInflightBytes());
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        NettyServerBuilder builder = settings.tls()
                ? NettyServerBuilder.forAddress(address, TlsServerCredentials.create(
                        settings.tlsCertChain().toFile(), settings.tlsPrivateKey().toFile()))
                : NettyServerBuilder.forAddress(address);
        // The token is checked first (the last interceptor runs first), so a refused call never takes a place.
        List<ServerInterceptor> chain = new java.util.ArrayList<>(List.of(new IdempotencyKeys(), limit));
        if (metrics != null) {
            // Before a call takes an in-flight place: an overloaded node refuses without holding anything.
            chain.add(new OverloadGuard(metrics));
        }
        if (settings.requiresToken()) {
            chain.add(new BearerTokenCheck(settings.token()));
        }
        if (metrics != null) {
            chain.add(new CallTimer(metrics));
        }
        ServerInterceptor[] guards = chain.toArray(ServerInterceptor[]::new);
        ServerServiceDefinition reflection = ProtoReflectionServiceV1.newInstance().bindService();
        // Calls run on gRPC's event loops, not handed to an executor thread: every handler only checks the request
        // and hands it to an actor (nothing blocks), and a hand-off per call was a thread wake-up on the way in.
        Server server = builder
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(new GuildIngressService(ingress), guards))
                .addService(ServerInterceptors.intercept(new UserIngressService(ingress), guards))
                .addService(settings.requiresToken()
                        ? ServerInterceptors.intercept(reflection, new BearerTokenCheck(settings.token()))
                        : reflection)
                .addService(health.getHealthService())
                .build()
                .start();
        SERVICES.forEach(service -> health.setStatus(service, ServingStatus.SERVING));
        LOG.info("gRPC ingress listening on {}:{} ({}, {}, at most {} calls and {} request bytes in flight)",
                settings.host(), server.getPort(), settings.tls() ? "TLS" : "plaintext",
                settings.requiresToken() ? "bearer token required" : "no token check",
                settings.maxInflightCalls(), settings.maxInflightBytes());
        return new IngressServer(server, health);
    }

    /** Returns the port the server is bound to (the chosen one when the settings said 0). */
    public int port() {
        return port;
    }

    /**
     * Reports NOT_SERVING, stops taking calls, lets running ones finish for up to {@link #SHUTDOWN_GRACE}, then
     * cancels the rest. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("gRPC ingress: calls still running after {}, cancelling them", SHUTDOWN_GRACE);
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("gRPC ingress stopped");
    }
}
