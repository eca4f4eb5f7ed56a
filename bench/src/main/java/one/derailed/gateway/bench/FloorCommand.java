package one.derailed.gateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
        out.print(new String(output, StandardCharsets.UTF_8));
        return process.exitValue();
    }
}
