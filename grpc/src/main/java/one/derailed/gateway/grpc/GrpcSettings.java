package one.derailed.gateway.grpc;

/**
 * GrpcSettings says where the ingress server listens and how many ingress calls it runs at once.
 *
 * @param host             the address to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port             the TCP port, 0 for any free one ({@link IngressServer#port()} tells which)
 * @param maxInflightCalls how many Guild and User calls may execute at once; more are refused with RESOURCE_EXHAUSTED
 */
public record GrpcSettings(String host, int port, int maxInflightCalls) {

    public GrpcSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("grpc host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("grpc port must be 0..65535, got " + port);
        }
        if (maxInflightCalls < 1) {
            throw new IllegalArgumentException("grpc maxInflightCalls must be at least 1, got " + maxInflightCalls);
        }
    }
}
