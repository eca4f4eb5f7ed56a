package one.derailed.gateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import one.derailed.gateway.bench.cluster.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * floor: runs {@code fanout_floor} (../shared/limits/fanout_floor.c, built by bench/scenario), the kernel's floor
 * for fan-out on this machine: one writer thread writing a 250-byte message to each of N loopback sockets per round,
 * a reader process draining them with epoll. It holds both ends of every socket in one process before it forks, so
 * N is capped at half the open files limit.
 */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = "Run fanout_floor: the kernel's cost of one write and one read per delivery on loopback.")
final class FloorCommand implements Callable<Integer> {
    private static final long TIMEOUT_SECONDS = 300;
    private static final Pattern WRITER = Pattern.compile("\\(([0-9.]+) us CPU each\\)");
    private static final Pattern READER = Pattern.compile("([0-9.]+) us per delivery");

    @Parameters(index = "0", description = "The fanout_floor binary.")
    Path binary;

    @Option(names = "--sockets", split = ",", defaultValue = "2000,9000",
            description = "Socket counts, one run each. Default: ${DEFAULT-VALUE}.")
    List<Integer> sockets;

    @Option(names = "--deliveries", defaultValue = "200000", description = "Deliveries per run (rounds = this / N).")
    int deliveries;

    @Option(names = "--bytes", defaultValue = "250", description = "Message size. Default: ${DEFAULT-VALUE}.")
    int bytes;

    @Override
    public Integer call() throws Exception {
        int code = 0;
        for (int n : sockets) {
            code |= run(binary, n, deliveries, bytes, System.out);
        }
        return code;
    }

    /** Runs the floor once with {@code sockets} (capped by the open files limit) and prints what it says. */
    static int run(Path binary, int sockets, int deliveries, int bytes, PrintStream out)
            throws IOException, InterruptedException {
        long files = Math.min(Integer.MAX_VALUE, Machine.current().softOpenFiles());
        int n = (int) Math.min(sockets, (files - 64) / 2);
        int rounds = Math.max(5, deliveries / Math.max(1, n));
        out.printf("== fanout_floor %d %d %d%s (load %s)%n", n, rounds, bytes,
                n < sockets ? " (capped from " + sockets + " by the open files limit: both ends in one process)" : "",
                Machine.currentLoad());
        Process process = new ProcessBuilder(binary.toString(), Integer.toString(n), Integer.toString(rounds),
                Integer.toString(bytes)).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            out.println("fanout_floor did not finish in " + TIMEOUT_SECONDS + " s");
            return 1;
        }
        String said = new String(output, StandardCharsets.UTF_8);
        out.print(said);
        String oneEvent = oneEventFloor(said, sockets, Machine.current().cpus());
        if (oneEvent != null) {
            out.println(oneEvent);
        }
        return process.exitValue();
    }

    /**
     * What fanout_floor's per-delivery costs say one event to {@code receivers} sessions takes at the least on
     * {@code cores} cores: every write and every read, spread perfectly over the cores, and nothing else (no JSON, no
     * actor, no GC, no other process). Null when the output does not carry both costs.
     */
    static String oneEventFloor(String floorOutput, int receivers, int cores) {
        Matcher writer = WRITER.matcher(floorOutput);
        Matcher reader = READER.matcher(floorOutput);
        if (!writer.find() || !reader.find()) {
            return null;
        }
        double write = Double.parseDouble(writer.group(1));
        double read = Double.parseDouble(reader.group(1));
        double millis = (write + read) * receivers / cores / 1000;
        return String.format("floor for one event to %,d sessions on %d cores: (%.2f + %.2f µs) x %,d / %d = %.0f ms"
                + " until the last one has it (the kernel's writes and reads alone)", receivers, cores, write, read,
                receivers, cores, millis);
    }
}
