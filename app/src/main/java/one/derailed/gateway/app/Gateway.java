package one.derailed.gateway.app;

import com.typesafe.config.Config;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.grpc.IngressServer;
import one.derailed.gateway.http.OperatorServer;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.websocket.BotAccounts;
import one.derailed.gateway.websocket.GatewayServer;

/**
 * Gateway is a whole running node: the actor side, the edge on the HTTP port and, with the {@code grpc} role, the gRPC
 * ingress, started in that order and closed in reverse, plus the operator listener ({@code /metrics}). The edge
 * serves the gateway's WebSocket only with the {@code websocket} role; every node serves {@code /healthz} and
 * {@code /readyz} on that port, and {@code /metrics} on its operator port, so operators probe and scrape every node
 * alike.
 */
public final class Gateway implements AutoCloseable {
    private final GatewayNode node;
    private final GatewayServer edge;
    /** Null on a node without the grpc role. */
    private final IngressServer grpc;
    private final OperatorServer operator;

    private Gateway(GatewayNode node, GatewayServer edge, IngressServer grpc, OperatorServer operator) {
        this.node = node;
        this.edge = edge;
        this.grpc = grpc;
        this.operator = operator;
    }

    /** Starts a node on {@code config}, opening the configured database. */
    public static Gateway start(Config config) throws Exception {
        return start(config, Database.open(GatewaySettings.from(config).database()));
    }

    /** Starts a node on an already opened database, which the gateway closes when it closes. */
    public static Gateway start(Config config, Database database) throws Exception {
        GatewayNode node = GatewayNode.start(config, database);
        GatewaySettings settings = node.settings();
        GatewayServer edge = null;
        OperatorServer operator = null;
        try {
            operator = OperatorEndpoints.start(settings.operator(), node);
            edge = settings.roles().contains("websocket")
                    ? GatewayServer.start(settings.webSocket(), node.sessions(), node::isReady,
                            BotAccounts.of(database.store(), node::sessionStartLimit), node.metrics())
                    : GatewayServer.startHttpOnly(settings.webSocket(), node::isReady, node.metrics());
            IngressServer grpc = settings.roles().contains("grpc")
                    ? IngressServer.start(IngressSettings.server(config, settings.grpc()), node.ingress(),
                            node.metrics())
                    : null;
            Gateway gateway = new Gateway(node, edge, grpc, operator);
            gateway.joinShutdown();
            return gateway;
        } catch (Exception | Error e) {
            if (edge != null) {
                edge.close();
            }
            if (operator != null) {
                operator.close();
            }
            node.close();
            throw e;
        }
    }

    public GatewayNode node() {
        return node;
    }

    /** Whether this node accepts gateway clients (the websocket role). */
    public boolean servesWebSocket() {
        return node.settings().roles().contains("websocket");
    }

    /** The edge's port: WebSocket and HTTP with the websocket role, HTTP alone without it. */
    public int webSocketPort() {
        return edge.port();
    }

    /** The operator listener's port ({@code /metrics}). */
    public int operatorPort() {
        return operator.port();
    }

    /** The gRPC ingress's port, empty on a node without the grpc role. */
    public OptionalInt grpcPort() {
        return grpc == null ? OptionalInt.empty() : OptionalInt.of(grpc.port());
    }

    /**
     * Puts the gateway's own steps of a graceful leave into Pekko's CoordinatedShutdown, so that there is one
     * shutdown sequence, whoever starts it (SIGTERM through the JVM's hook, {@link #close}, the cluster downing this
     * node), in the order docs/architecture.md promises:
     * <ol>
     *   <li>before-service-unbind: Ready workers stop taking other nodes' work; the gRPC ingress takes no new call
     *       and lets running ones finish;</li>
     *   <li>service-unbind: no new socket; every client gets op 7 RECONNECT, then a resumable close (4000) — nothing
     *       torn down later reaches a client before it;</li>
     *   <li>service-requests-done: the sessions move to the other nodes, where their clients resume them;</li>
     *   <li>then Pekko's own phases: the shard regions hand their guilds and users off (each hands its renewal log to
     *       its next incarnation), the node leaves the cluster, the actor system stops; last, the database closes.</li>
     * </ol>
     */
    private void joinShutdown() {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(node.system());
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "derailed-stop-ingress", () -> blocking(() -> {
            node.withdraw();
            if (grpc != null) {
                grpc.close();
            }
        }));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "derailed-reconnect-clients",
                () -> blocking(edge::close));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "derailed-move-sessions",
                () -> node.sessions().evacuate().thenApply(stayed -> {
                    if (stayed > 0) {
                        LOG.info("{} sessions could not move to another node and end with this one", stayed);
                    }
                    return Done.getInstance();
                }));
    }

    /** Runs a blocking close off Pekko's threads, as a shutdown task. */
    private static CompletionStage<Done> blocking(Runnable close) {
        return CompletableFuture.supplyAsync(() -> {
            close.run();
            return Done.getInstance();
        }, runnable -> {
            Thread thread = new Thread(runnable, "derailed-shutdown-step");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** A graceful leave: runs the shutdown sequence ({@link #joinShutdown}) and waits for its end. */
    @Override
    public void close() {
        node.close();
        // the operator listener answers probes (readyz: not ready) and scrapes until the very end
        operator.close();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
}
