package one.derailed.gateway.bench.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Endpoint is where a {@link WebSocketChannel} connects: an IPv4 address and port, the request path with its query,
 * and the source address to bind (null: the kernel's choice).
 */
public record Endpoint(Inet4Address address, int port, String pathAndQuery, Inet4Address source) {

    public static Endpoint of(String host, int port, String pathAndQuery, String source) throws UnknownHostException {
        return new Endpoint(ipv4(host), port, pathAndQuery, source == null ? null : ipv4(source));
    }

    /** The same server and path, from another source address. */
    public Endpoint from(Inet4Address otherSource) {
        return new Endpoint(address, port, pathAndQuery, otherSource);
    }

    public String host() {
        return address.getHostAddress();
    }

    static Inet4Address ipv4(String host) throws UnknownHostException {
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (a instanceof Inet4Address v4) {
                return v4;
            }
        }
        throw new UnknownHostException(host + " has no IPv4 address");
    }
}
