package one.derailed.gateway.bench.wire;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;

/**
 * Syscalls is one thread's handle on {@link Libc}: it owns the small native scratch the calls need (errno capture, an
 * option value, a socket address, one epoll_event), so each event loop makes its calls without allocating. Not
 * thread-safe: one instance per thread, used only by it.
 */
final class Syscalls implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(Libc.CALL_STATE);
    private final MemorySegment value = arena.allocate(JAVA_LONG);
    private final MemorySegment length = arena.allocate(JAVA_INT);
    private final MemorySegment address = arena.allocate(16);
    private final MemorySegment event = arena.allocate(16);

    /** The errno of the last call that failed. */
    int errno() {
        return Libc.errno(state);
    }

    /** A native array of {@code count} epoll_event, for {@link #epollWait}. */
    MemorySegment epollEvents(int count) {
        return arena.allocate(Libc.EPOLL_EVENT_BYTES * count, 8);
    }

    int epollCreate() throws IOException {
        try {
            return check((int) Libc.EPOLL_CREATE1.invokeExact(state, Libc.EFD_CLOEXEC), "epoll_create1");
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    int eventFd() throws IOException {
        try {
            return check((int) Libc.EVENTFD.invokeExact(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), "eventfd");
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Adds or modifies ({@code op}) the interest of {@code fd} in {@code epoll}; {@code data} comes back with events. */
    int epollCtl(int epoll, int op, int fd, int events, long data) {
        event.set(JAVA_INT_UNALIGNED, 0, events);
        event.set(JAVA_LONG_UNALIGNED, Libc.EPOLL_DATA_OFFSET, data);
        try {
            return (int) Libc.EPOLL_CTL.invokeExact(state, epoll, op, fd, event);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Waits at most {@code timeoutMillis} for events; the count, 0 on timeout or EINTR. */
    int epollWait(int epoll, MemorySegment events, int max, int timeoutMillis) {
        try {
            int n = (int) Libc.EPOLL_WAIT.invokeExact(state, epoll, events, max, timeoutMillis);
            if (n < 0 && errno() == Libc.EINTR) {
                return 0;
            }
            return n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int eventMask(MemorySegment events, int i) {
        return events.get(JAVA_INT_UNALIGNED, i * Libc.EPOLL_EVENT_BYTES);
    }

    static long eventData(MemorySegment events, int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * Libc.EPOLL_EVENT_BYTES + Libc.EPOLL_DATA_OFFSET);
    }

    /**
     * A non-blocking TCP socket with TCP_NODELAY, bound to {@code source} with the port left to connect time
     * (IP_BIND_ADDRESS_NO_PORT: the port is then unique per destination, not per source, so one source address
     * holds ~28,000 connections to each destination), connecting to {@code target}; -errno on failure.
     */
    int connect(Inet4Address source, Inet4Address target, int port) {
        try {
            int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET,
                    Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return -errno();
            }
            setInt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1);
            setInt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1);
            if (source != null) {
                setInt(fd, Libc.IPPROTO_IP, Libc.IP_BIND_ADDRESS_NO_PORT, 1);
                address(source, 0);
                if ((int) Libc.BIND.invokeExact(state, fd, address, 16) < 0) {
                    int error = errno();
                    close(fd);
                    return -error;
                }
            }
            address(target, port);
            if ((int) Libc.CONNECT.invokeExact(state, fd, address, 16) < 0 && errno() != Libc.EINPROGRESS) {
                int error = errno();
                close(fd);
                return -error;
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** SO_ERROR of {@code fd}: 0 once a non-blocking connect succeeded, else its errno. */
    int socketError(int fd) {
        length.set(JAVA_INT, 0, 4);
        try {
            int r = (int) Libc.GETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_ERROR, value, length);
            return r < 0 ? errno() : value.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private void setInt(int fd, int level, int name, int v) throws Throwable {
        value.set(JAVA_INT, 0, v);
        int ignored = (int) Libc.SETSOCKOPT.invokeExact(state, fd, level, name, value, 4);
    }

    private void address(Inet4Address ip, int port) {
        address.fill((byte) 0);
        address.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        address.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        address.set(JAVA_BYTE, 3, (byte) port);
        byte[] octets = ip.getAddress();
        for (int i = 0; i < 4; i++) {
            address.set(JAVA_BYTE, 4 + i, octets[i]);
        }
    }

    /** recvmsg without blocking into {@code message} (a prepared msghdr): bytes read, 0 at EOF, -errno. */
    long recvmsg(int fd, MemorySegment message) {
        try {
            long n = (long) Libc.RECVMSG.invokeExact(state, fd, message, Libc.MSG_DONTWAIT);
            return n >= 0 ? n : -errno();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Sends {@code buffer[0, count)} without blocking: bytes sent, -errno. */
    long send(int fd, MemorySegment buffer, long count) {
        try {
            long n = (long) Libc.SEND.invokeExact(state, fd, buffer, count, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
            return n >= 0 ? n : -errno();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Reads and discards an eventfd's counter. */
    void drainEventFd(int fd) {
        try {
            long ignored = (long) Libc.READ.invokeExact(fd, value, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The calling thread's kernel thread id. */
    static int gettid() {
        try {
            return (int) Libc.GETTID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) Libc.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private int check(int result, String call) throws IOException {
        if (result < 0) {
            throw new IOException(call + " failed: errno " + errno());
        }
        return result;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Adds 1 to an eventfd from any thread (its own tiny buffer: waking is rare and must not share scratch). */
    static final class Waker {
        private final MemorySegment one = Arena.global().allocate(JAVA_LONG);

        Waker() {
            one.set(JAVA_LONG, 0, 1L);
        }

        void wake(int eventFd) {
            try {
                long ignored = (long) Libc.WRITE.invokeExact(eventFd, one, 8L);
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
        }
    }
}
