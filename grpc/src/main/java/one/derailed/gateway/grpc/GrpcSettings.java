package one.derailed.gateway.grpc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * GrpcSettings says where the ingress server listens, how many ingress calls it runs at once, and how it is guarded.
 *
 * @param host                the address to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port                the TCP port, 0 for any free one ({@link IngressServer#port()} tells which)
 * @param maxInflightCalls    how many Guild and User calls may execute at once; more are refused with
 *                            RESOURCE_EXHAUSTED
 * @param maxInflightBytes    how many request bytes those calls may hold at once; more are refused the same way
 * @param token               the shared secret callers send as {@code authorization: Bearer <token>}; empty for no
 *                            check ({@code derailed.grpc.token}, DERAILED_GRPC_TOKEN)
 * @param allowInsecureRemote whether the server may listen beyond loopback without both a token and TLS
 *                            ({@code derailed.grpc.allow-insecure-remote})
 * @param tlsCertChain        PEM certificate chain to serve TLS with, or null for plaintext
 *                            ({@code derailed.grpc.tls.cert-chain}, DERAILED_GRPC_TLS_CERT)
 * @param tlsPrivateKey       PEM (PKCS#8) private key of that certificate, or null
 *                            ({@code derailed.grpc.tls.private-key}, DERAILED_GRPC_TLS_KEY)
 */
public record GrpcSettings(String host, int port, int maxInflightCalls, long maxInflightBytes, String token,
                           boolean allowInsecureRemote, Path tlsCertChain, Path tlsPrivateKey) {
    /** {@code derailed.grpc.max-inflight-bytes}'s default. */
    public static final long DEFAULT_MAX_INFLIGHT_BYTES = 256L * 1024 * 1024;

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
        if (maxInflightBytes < IngressServer.MAX_INBOUND_MESSAGE_BYTES) {
            throw new IllegalArgumentException("grpc maxInflightBytes must hold at least one largest request ("
                    + IngressServer.MAX_INBOUND_MESSAGE_BYTES + " bytes), got " + maxInflightBytes);
        }
        token = token == null ? "" : token.strip();
        if ((tlsCertChain == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException("grpc TLS needs both derailed.grpc.tls.cert-chain and "
                    + "derailed.grpc.tls.private-key (DERAILED_GRPC_TLS_CERT, DERAILED_GRPC_TLS_KEY), got only one");
        }
    }

    /** Plaintext, no token, loopback only: the defaults of a development gateway. */
    public GrpcSettings(String host, int port, int maxInflightCalls) {
        this(host, port, maxInflightCalls, DEFAULT_MAX_INFLIGHT_BYTES, "", false, null, null);
    }

    /** Settings with the default bound on request bytes. */
    public GrpcSettings(String host, int port, int maxInflightCalls, String token, boolean allowInsecureRemote,
                        Path tlsCertChain, Path tlsPrivateKey) {
        this(host, port, maxInflightCalls, DEFAULT_MAX_INFLIGHT_BYTES, token, allowInsecureRemote, tlsCertChain,
                tlsPrivateKey);
    }

    /**
     * Settings from configuration text: an empty or blank path means no TLS, an empty token no check.
     */
    public static GrpcSettings of(String host, int port, int maxInflightCalls, String token,
                                  boolean allowInsecureRemote, String tlsCertChain, String tlsPrivateKey) {
        return of(host, port, maxInflightCalls, DEFAULT_MAX_INFLIGHT_BYTES, token, allowInsecureRemote, tlsCertChain,
                tlsPrivateKey);
    }

    /** As above, with a bound on request bytes in flight. */
    public static GrpcSettings of(String host, int port, int maxInflightCalls, long maxInflightBytes, String token,
                                  boolean allowInsecureRemote, String tlsCertChain, String tlsPrivateKey) {
        return new GrpcSettings(host, port, maxInflightCalls, maxInflightBytes, token, allowInsecureRemote,
                path(tlsCertChain), path(tlsPrivateKey));
    }

    private static Path path(String text) {
        return text == null || text.isBlank() ? null : Path.of(text.strip());
    }

    /** The same settings requiring {@code token}. */
    public GrpcSettings withToken(String token) {
        return new GrpcSettings(host, port, maxInflightCalls, maxInflightBytes, token, allowInsecureRemote,
                tlsCertChain, tlsPrivateKey);
    }

    /** The same settings serving TLS with this certificate chain and key. */
    public GrpcSettings withTls(Path certChain, Path privateKey) {
        return new GrpcSettings(host, port, maxInflightCalls, maxInflightBytes, token, allowInsecureRemote, certChain,
                privateKey);
    }

    /** Whether calls must carry the bearer token. */
    public boolean requiresToken() {
        return !token.isEmpty();
    }

    /** Whether the server speaks TLS. */
    public boolean tls() {
        return tlsCertChain != null;
    }

    /**
     * Refuses to expose an unguarded ingress: beyond loopback the server needs both a token (anyone who reaches the
     * port could publish to every user otherwise) and TLS (the token would cross the network in clear otherwise),
     * unless {@code allowInsecureRemote} says the network is trusted.
     *
     * @throws IllegalArgumentException naming what is missing and how to provide it
     */
    public void checkExposure() {
        if (allowInsecureRemote || isLoopback(host) || (requiresToken() && tls())) {
            return;
        }
        String missing = !requiresToken() && !tls() ? "a token and TLS" : !requiresToken() ? "a token" : "TLS";
        throw new IllegalArgumentException("the gRPC ingress would listen on " + host + ", beyond loopback, without "
                + missing + ": set DERAILED_GRPC_TOKEN and DERAILED_GRPC_TLS_CERT/DERAILED_GRPC_TLS_KEY, listen on "
                + "127.0.0.1, or set derailed.grpc.allow-insecure-remote = true on a trusted network");
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "GrpcSettings[host=" + host + ", port=" + port + ", maxInflightCalls=" + maxInflightCalls
                + ", maxInflightBytes=" + maxInflightBytes
                + ", token=" + (requiresToken() ? "(set)" : "(none)") + ", allowInsecureRemote=" + allowInsecureRemote
                + ", tlsCertChain=" + tlsCertChain + ", tlsPrivateKey=" + tlsPrivateKey + "]";
    }
}
