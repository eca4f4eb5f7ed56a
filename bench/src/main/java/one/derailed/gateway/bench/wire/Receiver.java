package one.derailed.gateway.bench.wire;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Receiver is one event loop's recvmsg: a native buffer, the msghdr and iovec pointing at it, and room for the
 * kernel's receive time stamp (SO_TIMESTAMPNS: when the bytes reached the socket, CLOCK_REALTIME), so a latency
 * measured against it does not include how long the loop took to get to the socket. Each receive copies what it got
 * into the loop's heap array, where the frames are scanned. Linux x86_64 / aarch64 layouts (LP64).
 */
final class Receiver implements AutoCloseable {
    private static final long MSGHDR_BYTES = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    private static final long CONTROL_BYTES = 64;
    /** cmsghdr: cmsg_len (size_t), cmsg_level, cmsg_type (int), then the data (a struct timespec here). */
    private static final long CMSG_LEVEL = 8;
    private static final long CMSG_TYPE = 12;
    private static final long CMSG_DATA = 16;
    private static final long TIMESTAMP_CMSG_LEN = CMSG_DATA + 16;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment message = arena.allocate(MSGHDR_BYTES, 8);
    private final MemorySegment iovec = arena.allocate(16, 8);
    private final MemorySegment control = arena.allocate(CONTROL_BYTES, 8);
    private long wallNanos;

    Receiver(int bytes) {
        buffer = arena.allocate(bytes, 16);
        iovec.set(ADDRESS, 0, buffer);
        iovec.set(JAVA_LONG, 8, bytes);
        message.fill((byte) 0);
        message.set(ADDRESS, MSG_IOV, iovec);
        message.set(JAVA_LONG, MSG_IOVLEN, 1);
        message.set(ADDRESS, MSG_CONTROL, control);
    }

    long capacity() {
        return buffer.byteSize();
    }

    /**
     * Receives from {@code fd} without blocking into {@code into} (at least {@link #capacity()} bytes): bytes read,
     * 0 at EOF, -errno. After a read, {@link #wallNanos()} is when the last of those bytes reached the socket.
     */
    long receive(Syscalls sys, int fd, MemorySegment into) {
        message.set(JAVA_LONG, MSG_CONTROLLEN, CONTROL_BYTES);
        message.set(JAVA_INT, MSG_FLAGS, 0);
        long n = sys.recvmsg(fd, message);
        if (n > 0) {
            MemorySegment.copy(buffer, 0, into, 0, n);
            wallNanos = stamp();
        }
        return n;
    }

    private long stamp() {
        if (message.get(JAVA_LONG, MSG_CONTROLLEN) >= TIMESTAMP_CMSG_LEN
                && control.get(JAVA_INT, CMSG_LEVEL) == Libc.SOL_SOCKET
                && control.get(JAVA_INT, CMSG_TYPE) == Libc.SCM_TIMESTAMPNS) {
            return control.get(JAVA_LONG, CMSG_DATA) * 1_000_000_000L + control.get(JAVA_LONG, CMSG_DATA + 8);
        }
        return WallClock.nanos();
    }

    /** When the bytes of the last receive reached the socket, nanoseconds since the epoch. */
    long wallNanos() {
        return wallNanos;
    }

    @Override
    public void close() {
        arena.close();
    }
}
