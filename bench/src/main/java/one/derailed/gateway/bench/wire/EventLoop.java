package one.derailed.gateway.bench.wire;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * EventLoop is one thread with one epoll instance (level-triggered) and the sockets of its
 * {@link WebSocketChannel}s: per ready socket one receive into the loop's own buffer (a second only when the first
 * filled it), frames handed out as slices of that buffer, with the kernel's receive time stamp. Other threads hand it work with {@link #execute} (an
 * eventfd wakes it, once per batch); timers ({@link #schedule}) run on it. Run one per core.
 */
public final class EventLoop implements AutoCloseable {
    private static final int MAX_EVENTS = 1024;
    private static final int READ_BUFFER_BYTES = 128 * 1024;
    private static final long WAKE = -1;
    /** Longest sleep in epoll_wait with nothing due, so a stop is noticed promptly. */
    private static final int MAX_WAIT_MILLIS = 200;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final Syscalls sys = new Syscalls();
    final Receiver receiver = new Receiver(READ_BUFFER_BYTES);
    final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
    final MemorySegment readSegment = MemorySegment.ofArray(readBuffer);
    private final long batchNanos;
    private byte[] writeBuffer = new byte[4096];
    private MemorySegment writeSegment = MemorySegment.ofArray(writeBuffer);
    private final int epoll;
    private final int wakeFd;
    private final Syscalls.Waker waker = new Syscalls.Waker();
    private final MemorySegment events = sys.epollEvents(MAX_EVENTS);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Thread thread;
    private WebSocketChannel[] channels = new WebSocketChannel[1024];
    private volatile boolean running = true;
    private volatile int nativeThreadId = -1;
    private long timerSequence;
    private int maskState = (int) System.nanoTime() | 1;

    /** A task due at a time on the loop; {@link #cancel} before it runs and it does not. */
    public static final class Timer implements Comparable<Timer> {
        private final long dueNanos;
        private final long sequence;
        private Runnable task;

        private Timer(long dueNanos, long sequence, Runnable task) {
            this.dueNanos = dueNanos;
            this.sequence = sequence;
            this.task = task;
        }

        public void cancel() {
            task = null;
        }

        /** When it was to run ({@link System#nanoTime()}): a task it runs late can tell by how much. */
        public long dueNanos() {
            return dueNanos;
        }

        @Override
        public int compareTo(Timer other) {
            int c = Long.compare(dueNanos, other.dueNanos);
            return c != 0 ? c : Long.compare(sequence, other.sequence);
        }
    }

    public EventLoop(String name) throws IOException {
        this(name, 0);
    }

    /**
     * A loop that, while sockets become ready in bursts, lets {@code batchMicros} pass after each wake-up before it looks
     * again, so
     * that at a moderate rate one wake-up serves many sockets instead of one (a wake-up costs several microseconds
     * on each side of a loopback socket). Latencies measured against the kernel's receive time stamps
     * ({@link WebSocketListener#onMessage}'s {@code wallNanos}) do not include that wait. 0: look again at once.
     */
    public EventLoop(String name, long batchMicros) throws IOException {
        this.batchNanos = batchMicros * 1_000;
        this.epoll = sys.epollCreate();
        this.wakeFd = sys.eventFd();
        sys.epollCtl(epoll, Libc.EPOLL_CTL_ADD, wakeFd, Libc.EPOLLIN, WAKE);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop, soon (from any thread; in order with other tasks). */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakePending.compareAndSet(false, true)) {
            waker.wake(wakeFd);
        }
    }

    /** Runs {@code task} on the loop after {@code delayNanos}; call on the loop only. */
    public Timer schedule(long delayNanos, Runnable task) {
        Timer timer = new Timer(System.nanoTime() + Math.max(0, delayNanos), timerSequence++, task);
        timers.add(timer);
        return timer;
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** CPU time of the loop's thread, user and system, in nanoseconds (-1 when unknown). */
    public long cpuNanos() {
        return THREADS.getThreadCpuTime(thread.threadId());
    }

    /** The loop thread's kernel thread id (for /proc/self/task/TID), -1 until it started. */
    public int nativeThreadId() {
        return nativeThreadId;
    }

    void register(WebSocketChannel channel, int fd, int interest) {
        if (fd >= channels.length) {
            channels = Arrays.copyOf(channels, Math.max(fd + 1, channels.length * 2));
        }
        channels[fd] = channel;
        sys.epollCtl(epoll, Libc.EPOLL_CTL_ADD, fd, interest, fd);
    }

    void modify(int fd, int interest) {
        sys.epollCtl(epoll, Libc.EPOLL_CTL_MOD, fd, interest, fd);
    }

    /** Drops the channel of {@code fd} before its socket is closed (closing removes it from epoll). */
    void forget(int fd) {
        if (fd < channels.length) {
            channels[fd] = null;
        }
    }

    byte[] writeBuffer(int atLeast) {
        if (writeBuffer.length < atLeast) {
            writeBuffer = new byte[Math.max(atLeast, writeBuffer.length * 2)];
            writeSegment = MemorySegment.ofArray(writeBuffer);
        }
        return writeBuffer;
    }

    byte[] writeBufferArray() {
        return writeBuffer;
    }

    MemorySegment writeSegment() {
        return writeSegment;
    }

    /** A WebSocket masking key (xorshift: masking hides nothing on loopback, it only has to vary). */
    int nextMaskKey() {
        int x = maskState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskState = x;
        return x;
    }

    private void run() {
        nativeThreadId = Syscalls.gettid();
        long woke = 0;
        boolean busy = false;
        while (running) {
            if (busy && batchNanos > 0) {
                long rest = woke + batchNanos - System.nanoTime();
                if (rest > 0) {
                    LockSupport.parkNanos(rest);
                }
            }
            int n = sys.epollWait(epoll, events, MAX_EVENTS, waitMillis());
            long previous = woke;
            woke = System.nanoTime();
            // A lone event long after the last (a heartbeat's ACK at rest) is not worth a sleep: that would only add
            // a wake-up. Several sockets at once, or wake-ups close together, mean a burst is arriving: the wait
            // lets it pile up.
            busy = n > 0 && (n > 1 || woke - previous < 2 * batchNanos);
            for (int i = 0; i < n; i++) {
                long data = Syscalls.eventData(events, i);
                if (data == WAKE) {
                    wakePending.set(false);
                    sys.drainEventFd(wakeFd);
                    continue;
                }
                WebSocketChannel channel = (int) data < channels.length ? channels[(int) data] : null;
                if (channel != null) {
                    try {
                        channel.onEvents(Syscalls.eventMask(events, i));
                    } catch (RuntimeException e) {
                        report(e);
                    }
                }
            }
            runTasks();
            runTimers();
        }
        Syscalls.close(wakeFd);
        Syscalls.close(epoll);
        receiver.close();
    }

    private int waitMillis() {
        if (!tasks.isEmpty()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return MAX_WAIT_MILLIS;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(next.dueNanos - System.nanoTime() + 999_999);
        return (int) Math.max(0, Math.min(MAX_WAIT_MILLIS, millis));
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                report(e);
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer timer;
        while ((timer = timers.peek()) != null && timer.dueNanos <= now) {
            timers.poll();
            Runnable task = timer.task;
            if (task != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    report(e);
                }
            }
        }
    }

    private void report(RuntimeException e) {
        System.err.println(thread.getName() + ": " + e);
        e.printStackTrace(System.err);
    }

    /** Stops the loop and waits for it (bounded); open sockets are left to the process's end. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        waker.wake(wakeFd);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
