package one.derailed.gateway.app;

import com.typesafe.config.Config;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.grpc.GrpcSettings;
import one.derailed.gateway.grpc.IngressClient;

/**
 * IngressSettings reads how the gRPC ingress is guarded: {@code derailed.grpc.token}, {@code allow-insecure-remote},
 * {@code tls.cert-chain} and {@code tls.private-key}. Where the configuration does not name a key, its environment
 * variable (DERAILED_GRPC_TOKEN, DERAILED_GRPC_ALLOW_INSECURE_REMOTE, DERAILED_GRPC_TLS_CERT, DERAILED_GRPC_TLS_KEY)
 * stands in, so the guard works whether or not derailed.conf declares these keys.
 */
final class IngressSettings {
    private IngressSettings() {}

    /** The server's settings: where it listens (from {@code grpc}) and its guard (from {@code config}). */
    static GrpcSettings server(Config config, GatewaySettings.Grpc grpc) {
        Config c = config.getConfig("derailed.grpc");
        return GrpcSettings.of(grpc.host(), grpc.port(), grpc.maxInflightCalls(), grpc.maxInflightBytes(),
                text(c, "token", "DERAILED_GRPC_TOKEN"),
                Boolean.parseBoolean(text(c, "allow-insecure-remote", "DERAILED_GRPC_ALLOW_INSECURE_REMOTE")),
                text(c, "tls.cert-chain", "DERAILED_GRPC_TLS_CERT"),
                text(c, "tls.private-key", "DERAILED_GRPC_TLS_KEY"));
    }

    /** A client of this node's ingress: its token, and TLS trusting the node's own certificate when it has one. */
    static IngressClient client(Config config, GatewaySettings.Grpc grpc) throws IOException {
        GrpcSettings server = server(config, grpc);
        ChannelCredentials credentials = server.tls() ? IngressClient.tlsTrusting(server.tlsCertChain())
                : InsecureChannelCredentials.create();
        return new IngressClient(grpc.host(), grpc.port(), server.requiresToken() ? server.token() : null,
                IngressClient.DEFAULT_DEADLINE, credentials);
    }

    private static String text(Config config, String path, String environmentVariable) {
        if (config.hasPath(path)) {
            return config.getString(path);
        }
        String fromEnvironment = System.getenv(environmentVariable);
        return fromEnvironment == null ? "" : fromEnvironment;
    }
}
