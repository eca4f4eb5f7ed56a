package one.derailed.gateway.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
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
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.UserGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IngressServer is the gRPC server other services publish through: {@code derailed.grpc.Guild} and
 * {@code derailed.grpc.User} on one port, behind one {@link InflightLimit}, plus server reflection (v1) and the
 * standard health service (overall {@code ""} and each ingress service SERVING until {@link #close()}).
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

    /** Starts serving {@code ingress} as {@code settings} say; throws when the address cannot be bound. */
    public static IngressServer start(GrpcSettings settings, EventIngress ingress) throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        InflightLimit limit = new InflightLimit(settings.maxInflightCalls());
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(new GuildIngressService(ingress), limit))
                .addService(ServerInterceptors.intercept(new UserIngressService(ingress), limit))
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(health.getHealthService())
                .build()
                .start();
        SERVICES.forEach(service -> health.setStatus(service, ServingStatus.SERVING));
        LOG.info("gRPC ingress listening on {}:{} (at most {} calls in flight)",
                settings.host(), server.getPort(), settings.maxInflightCalls());
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
