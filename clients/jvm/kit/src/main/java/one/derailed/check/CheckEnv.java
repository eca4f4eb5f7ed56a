package one.derailed.check;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * CheckEnv is what a check is told about the gateway under test, from the environment run-matrix.sh sets: where its
 * HTTP and gRPC listen, the token and guild to use, the gRPC ingress secret, and the app jar (for publishing).
 */
public record CheckEnv(URI gateway, String grpcHost, int grpcPort, String grpcSecret, String token, long userId,
                       String username, long guildId, Path appJar, Path reports) {

    public static CheckEnv fromEnvironment() {
        URI gateway = URI.create(required("DERAILED_CHECK_GATEWAY"));
        String[] grpc = required("DERAILED_CHECK_GRPC").split(":");
        String token = required("DERAILED_CHECK_TOKEN");
        String secret = System.getenv("DERAILED_GRPC_TOKEN");
        return new CheckEnv(gateway, grpc[0], Integer.parseInt(grpc[1]), secret == null || secret.isEmpty() ? null
                : secret, token, userIdOf(token), System.getenv().getOrDefault("DERAILED_CHECK_USERNAME", "ada"),
                Long.parseLong(required("DERAILED_CHECK_GUILD")), Path.of(required("DERAILED_CHECK_APP_JAR")),
                Path.of(System.getenv().getOrDefault("DERAILED_CHECK_REPORTS", "target")));
    }

    /** A Derailed token starts with the base64url (padded) of the user id in decimal. */
    static long userIdOf(String token) {
        String first = token.substring(0, token.indexOf('.'));
        return Long.parseLong(new String(Base64.getUrlDecoder().decode(first), StandardCharsets.US_ASCII));
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set (run-matrix.sh sets it)");
        }
        return value;
    }
}
