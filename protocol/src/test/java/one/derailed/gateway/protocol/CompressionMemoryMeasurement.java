package one.derailed.gateway.protocol;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import javax.management.ObjectName;

/**
 * Where the native memory of closed compression contexts goes (docs/benchmarks.md, "Compressed sessions' memory"): a
 * plain main, not a test. Rounds of: T threads (standing in for the edge's event loops) each open their share of N
 * transport compressors and compress a short session with each (a READY-sized message, a GUILD_CREATE of a
 * 100-member guild, 20 events), then close them all on the same threads. Prints this process's RSS after the
 * opening, 3 s after the closing, and after glibc's {@code malloc_trim} (the {@code System.trim_native_heap}
 * diagnostic command). Run it under MALLOC_ARENA_MAX / MALLOC_TRIM_THRESHOLD_ to compare.
 *
 * <p>Arguments: {@code zlib|zstd} (default zlib), N (2000), T (4), rounds (3).
 */
public final class CompressionMemoryMeasurement {

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "zlib";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Compression compression = switch (variant) {
            case "zlib" -> Compression.ZLIB_STREAM;
            case "zstd" -> Compression.ZSTD_STREAM;
            default -> throw new IllegalArgumentException("zlib or zstd");
        };
        List<byte[]> session = new SampleEvents(7, 100).session(20);
        System.gc();
        long base = rssKib();
        System.out.printf("%s, %d connections on %d threads, MALLOC_ARENA_MAX=%s MALLOC_TRIM_THRESHOLD_=%s;"
                        + " RSS at start %,d KiB%n", variant, n, threads, System.getenv("MALLOC_ARENA_MAX"),
                System.getenv("MALLOC_TRIM_THRESHOLD_"), base);
        System.out.println("round | open: KiB/conn over start | closed: KiB/conn over start | after malloc_trim");
        for (int round = 1; round <= rounds; round++) {
            CyclicBarrier opened = new CyclicBarrier(threads + 1);
            CyclicBarrier close = new CyclicBarrier(threads + 1);
            CyclicBarrier closed = new CyclicBarrier(threads + 1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = n / threads + (t < n % threads ? 1 : 0);
                Thread worker = new Thread(() -> {
                    List<StreamCompressor> mine = new ArrayList<>(share);
                    for (int i = 0; i < share; i++) {
                        StreamCompressor compressor = StreamCompressor.forTransport(compression);
                        for (byte[] message : session) {
                            compressor.compress(message);
                        }
                        mine.add(compressor);
                    }
                    await(opened);
                    await(close);
                    mine.forEach(StreamCompressor::close);
                    await(closed);
                }, "loop-" + t);
                worker.start();
                workers.add(worker);
            }
            opened.await();
            long open = rssKib();
            close.await();
            closed.await();
            for (Thread worker : workers) {
                worker.join();
            }
            System.gc();
            Thread.sleep(3000); // lets -XX:TrimNativeHeapInterval (when given) act before the reading
            long afterClose = rssKib();
            trimNativeHeap();
            long trimmed = rssKib();
            System.out.printf("%d | %,d KiB, %.1f | %,d KiB, %.1f | %,d KiB, %.1f%n", round, open,
                    (open - base) / (double) n, afterClose, (afterClose - base) / (double) n, trimmed,
                    (trimmed - base) / (double) n);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** glibc's malloc_trim(0) through the JVM: returns the free pages of every arena to the kernel. */
    private static void trimNativeHeap() throws Exception {
        ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    private static long rssKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
