package one.derailed.gateway.app;

import com.typesafe.config.Config;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.grpc.IngressServer;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.websocket.BotAccounts;
import one.derailed.gateway.websocket.GatewayServer;

/**
 * Gateway is a whole running node: the actor side, the WebSocket edge and the gRPC ingress, started in that order
 * and closed in reverse.
 */
public final class Gateway implements AutoCloseable {
    private final GatewayNode node;
    private final GatewayServer webSocket;
    private final IngressServer grpc;

    private Gateway(GatewayNode node, GatewayServer webSocket, IngressServer grpc) {
        this.node = node;
        this.webSocket = webSocket;
        this.grpc = grpc;
    }

    /** Starts a node on {@code config}, opening the configured database. */
    public static Gateway start(Config config) throws Exception {
        return start(config, Database.open(GatewaySettings.from(config).database()));
    }

    /** Starts a node on an already opened database, which the gateway closes when it closes. */
    public static Gateway start(Config config, Database database) throws Exception {
        GatewayNode node = GatewayNode.start(config, database);
        GatewaySettings settings = node.settings();
        GatewayServer webSocket = null;
        try {
            webSocket = GatewayServer.start(settings.webSocket(), node.sessions(), node::isUp,
                    BotAccounts.of(database.store(), node::sessionStartLimit), node.metrics());
            IngressServer grpc = IngressServer.start(IngressSettings.server(config, settings.grpc()), node.ingress(),
                    node.metrics());
            return new Gateway(node, webSocket, grpc);
        } catch (Exception | Error e) {
            if (webSocket != null) {
                webSocket.close();
            }
            node.close();
            throw e;
        }
    }

    public GatewayNode node() {
        return node;
    }

    public int webSocketPort() {
        return webSocket.port();
    }

    public int grpcPort() {
        return grpc.port();
    }

    /**
     * A graceful leave: no new calls or sockets; clients are told to reconnect (op 7); their sessions move to the
     * other nodes, where the clients resume them; then the node leaves the cluster and its entities move.
     */
    @Override
    public void close() {
        grpc.close();
        webSocket.close();
        int stayed = node.sessions().evacuate().toCompletableFuture().join();
        if (stayed > 0) {
            LOG.info("{} sessions could not move to another node and end with this one", stayed);
        }
        node.close();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
}
