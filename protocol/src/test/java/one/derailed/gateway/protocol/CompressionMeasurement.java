package one.derailed.gateway.protocol;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * CompressionMeasurement prints, for no compression, zlib-stream and zstd-stream at several settings, what one
 * connection costs on a realistic mix: the GUILD_CREATE of a 1,000-member guild (~380 KB) followed by 2,000 events
 * (40 % PRESENCE_UPDATE, 30 % MESSAGE_CREATE, 30 % TYPING_START), as bytes on the wire per event, CPU per MB of JSON
 * compressed (this thread's CPU time) and native memory per connection (resident set growth of a separate JVM holding
 * 128 live contexts that each compressed a whole session). Not a test: run it by hand (docs/benchmarks.md has the
 * command) and keep the table.
 */
public final class CompressionMeasurement {
    private static final int SESSIONS = 8;
    private static final int EVENTS = 2000;
    private static final int WARMUP_PASSES = 3;
    private static final int MEASURED_PASSES = 5;
    private static final int CONTEXTS_FOR_MEMORY = 128;
    private static final String[] TYPES = {"GUILD_CREATE", "MESSAGE_CREATE", "PRESENCE_UPDATE", "TYPING_START"};

    private record Variant(String name, Supplier<StreamCompressor> factory) {}

    private static List<Variant> variants() {
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("none", () -> null));
        variants.add(new Variant("zlib-stream level 1", () -> new ZlibStreamCompressor(1)));
        variants.add(new Variant("zlib-stream level 6", () -> new ZlibStreamCompressor(6)));
        int[][] zstd = {{1, 16}, {1, 17}, {1, 18}, {1, 19}, {1, 20}, {2, 18}, {3, 16}, {3, 18}, {3, 20}, {6, 18},
                {6, 20}};
        for (int[] setting : zstd) {
            variants.add(new Variant("zstd-stream level " + setting[0] + " window 2^" + setting[1],
                    () -> new ZstdStreamCompressor(setting[0], setting[1])));
        }
        variants.add(new Variant("zstd-stream level 3 window 2^21", () -> new ZstdStreamCompressor(3, 21)));
        return variants;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--resident")) {
            System.out.println(residentBytesPerContext(variants().get(Integer.parseInt(args[1]))));
            return;
        }
        List<List<byte[]>> sessions = new ArrayList<>();
        List<List<String>> kinds = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            List<byte[]> session = new SampleEvents(1000 + s, 1000).session(EVENTS);
            sessions.add(session);
            List<String> types = new ArrayList<>();
            for (byte[] message : session) {
                types.add(typeOf(message));
            }
            kinds.add(types);
        }
        long[] textBytes = new long[TYPES.length];
        long[] counts = new long[TYPES.length];
        for (int s = 0; s < SESSIONS; s++) {
            for (int i = 0; i < sessions.get(s).size(); i++) {
                int t = indexOf(kinds.get(s).get(i));
                textBytes[t] += sessions.get(s).get(i).length;
                counts[t]++;
            }
        }
        System.out.printf(Locale.ROOT, "%d sessions of 1 GUILD_CREATE (%,d B average) + %,d events; %s %s, %s%n%n",
                SESSIONS, textBytes[0] / counts[0], EVENTS, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.arch"));
        System.out.println("| variant | GUILD_CREATE B | MESSAGE_CREATE B | PRESENCE_UPDATE B | TYPING_START B "
                + "| B/event after GUILD_CREATE | CPU ms/MB GUILD_CREATE | CPU ms/MB events | native KiB/conn |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<Variant> variants = variants();
        for (int v = 0; v < variants.size(); v++) {
            Variant variant = variants.get(v);
            for (int pass = 0; pass < WARMUP_PASSES; pass++) {
                for (List<byte[]> session : sessions) {
                    run(variant, session, null, null, null);
                }
            }
            long[] wire = new long[TYPES.length];
            long[] cpu = new long[2];
            for (int pass = 0; pass < MEASURED_PASSES; pass++) {
                for (int s = 0; s < SESSIONS; s++) {
                    run(variant, sessions.get(s), kinds.get(s), wire, cpu);
                }
            }
            long eventsText = textBytes[1] + textBytes[2] + textBytes[3];
            long eventsWire = (wire[1] + wire[2] + wire[3]) / MEASURED_PASSES;
            long eventCount = counts[1] + counts[2] + counts[3];
            String resident = variant.factory().get() == null ? "0" : String.format(Locale.ROOT, "%,d",
                    residentInChildJvm(v) / 1024);
            System.out.printf(Locale.ROOT, "| %s | %,d | %d | %d | %d | %.1f | %.2f | %.2f | %s |%n",
                    variant.name(),
                    wire[0] / MEASURED_PASSES / counts[0],
                    wire[1] / MEASURED_PASSES / counts[1],
                    wire[2] / MEASURED_PASSES / counts[2],
                    wire[3] / MEASURED_PASSES / counts[3],
                    (double) eventsWire / eventCount,
                    cpu[0] / 1e6 / MEASURED_PASSES / (textBytes[0] / 1e6),
                    cpu[1] / 1e6 / MEASURED_PASSES / (eventsText / 1e6),
                    resident);
        }
    }

    /** Compresses one session on a new context; adds wire bytes by type and CPU (GUILD_CREATE, events) when asked. */
    private static void run(Variant variant, List<byte[]> session, List<String> kinds, long[] wire, long[] cpu) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StreamCompressor compressor = variant.factory().get();
        try {
            long start = threads.getCurrentThreadCpuTime();
            int first = compressor == null ? session.get(0).length : compressor.compress(session.get(0)).length;
            long afterGuild = threads.getCurrentThreadCpuTime();
            int[] sizes = new int[session.size()];
            sizes[0] = first;
            for (int i = 1; i < session.size(); i++) {
                sizes[i] = compressor == null ? session.get(i).length : compressor.compress(session.get(i)).length;
            }
            long end = threads.getCurrentThreadCpuTime();
            if (wire != null) {
                for (int i = 0; i < sizes.length; i++) {
                    wire[indexOf(kinds.get(i))] += sizes[i];
                }
                cpu[0] += afterGuild - start;
                cpu[1] += end - afterGuild;
            }
        } finally {
            if (compressor != null) {
                compressor.close();
            }
        }
    }

    private static long residentInChildJvm(int variant) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CompressionMeasurement.class.getName(),
                "--resident", Integer.toString(variant))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(child.getInputStream().readAllBytes()).trim();
        if (child.waitFor() != 0) {
            throw new IllegalStateException("memory measurement failed: " + out);
        }
        return Long.parseLong(out);
    }

    /**
     * In a fresh JVM: resident growth per live context after each compressed a whole session (GUILD_CREATE and 2,000
     * events, ~1.3 MB, more than the largest window measured, so every window buffer is fully written).
     */
    private static long residentBytesPerContext(Variant variant) throws Exception {
        List<byte[]> session = new SampleEvents(7, 1000).session(EVENTS);
        // Warm the code paths and this thread's output buffer first, so only the contexts count.
        run(variant, session, null, null, null);
        System.gc();
        long before = resident();
        List<StreamCompressor> live = new ArrayList<>();
        for (int c = 0; c < CONTEXTS_FOR_MEMORY; c++) {
            StreamCompressor compressor = variant.factory().get();
            for (byte[] message : session) {
                compressor.compress(message);
            }
            live.add(compressor);
        }
        System.gc();
        long after = resident();
        live.forEach(StreamCompressor::close);
        return (after - before) / CONTEXTS_FOR_MEMORY;
    }

    private static long resident() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static String typeOf(byte[] message) {
        String head = new String(message, 0, Math.min(64, message.length), java.nio.charset.StandardCharsets.UTF_8);
        for (String type : TYPES) {
            if (head.contains("\"t\":\"" + type + "\"")) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event in " + head);
    }

    private static int indexOf(String type) {
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i].equals(type)) {
                return i;
            }
        }
        throw new IllegalArgumentException(type);
    }
}
