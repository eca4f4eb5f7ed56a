package one.derailed.gateway.bench.cluster;

import java.util.List;

/**
 * NodeSpec is one node of a bench cluster as planned: its name, gateway roles, ports, the sessions it is to hold
 * (edge nodes), its heap and the open files it needs.
 */
public record NodeSpec(String name, List<String> roles, int httpPort, int grpcPort, int clusterPort, int sessions,
                       long heapMib, long expectedRssMib, int openFiles) {

    public boolean isEdge() {
        return roles.contains("websocket");
    }

    /** The node's operator listener (/metrics): three above its HTTP port, in its block of ten. */
    public int operatorPort() {
        return httpPort + 3;
    }

    public boolean hasGrpc() {
        return roles.contains("grpc");
    }

    public String rolesArgument() {
        return String.join(",", roles);
    }
}
