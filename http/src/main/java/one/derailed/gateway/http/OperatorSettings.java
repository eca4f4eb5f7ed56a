package one.derailed.gateway.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * OperatorSettings say where the operator listener listens and whether it asks for a bearer token.
 *
 * @param host                       the address to bind; loopback by default
 * @param port                       the TCP port, 0 for any free one
 * @param token                      what requests must send as {@code Authorization: Bearer <token>}; empty: no check
 * @param allowUnauthenticatedRemote whether it may listen beyond loopback without a token
 */
public record OperatorSettings(String host, int port, String token, boolean allowUnauthenticatedRemote) {

    public OperatorSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("operator host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("operator port must be 0..65535, got " + port);
        }
        token = token == null ? "" : token.strip();
    }

    /** Loopback, any free port, no token: for tests and tools. */
    public static OperatorSettings loopback() {
        return new OperatorSettings("127.0.0.1", 0, "", false);
    }

    public boolean requiresToken() {
        return !token.isEmpty();
    }

    /**
     * Refuses to serve operator endpoints beyond loopback to anyone: the figures tell an attacker how loaded the node
     * is, and later endpoints may act on it.
     *
     * @throws IllegalArgumentException naming what to set
     */
    public void checkExposure() {
        if (requiresToken() || allowUnauthenticatedRemote || isLoopback(host)) {
            return;
        }
        throw new IllegalArgumentException("the operator listener would listen on " + host + ", beyond loopback, "
                + "without a token: set DERAILED_OPERATOR_TOKEN, listen on 127.0.0.1, or set "
                + "derailed.operator.allow-unauthenticated-remote = true on a trusted network");
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
        return "OperatorSettings[host=" + host + ", port=" + port + ", token=" + (requiresToken() ? "(set)" : "(none)")
                + ", allowUnauthenticatedRemote=" + allowUnauthenticatedRemote + "]";
    }
}
