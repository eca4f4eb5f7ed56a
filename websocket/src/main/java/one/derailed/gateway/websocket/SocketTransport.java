package one.derailed.gateway.websocket;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport of the gateway's sockets ({@code derailed.websocket.transport}). epoll is the default and falls
 * back to NIO where it cannot load (not Linux); io_uring, asked for by name, must load or the node does not start, so
 * a deployment that measured it does not silently run without it.
 */
enum SocketTransport {
    EPOLL, IO_URING, NIO;

    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);

    /** The transport {@code name} asks for, as this machine can run it. */
    static SocketTransport resolve(String name) {
        SocketTransport asked = switch (name.toLowerCase(Locale.ROOT)) {
            case "epoll" -> EPOLL;
            case "io_uring", "io-uring", "iouring" -> IO_URING;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("derailed.websocket.transport: unknown transport '" + name
                    + "'; the transports are epoll, io_uring and nio");
        };
        if (asked == EPOLL && !Epoll.isAvailable()) {
            LOG.warn("epoll is not available here ({}); the gateway's sockets use NIO", Epoll.unavailabilityCause().toString());
            return NIO;
        }
        if (asked == IO_URING && !IoUring.isAvailable()) {
            throw new IllegalStateException("derailed.websocket.transport = io_uring, but io_uring is not available "
                    + "here: " + IoUring.unavailabilityCause());
        }
        return asked;
    }

    IoHandlerFactory ioHandlers() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }
}
