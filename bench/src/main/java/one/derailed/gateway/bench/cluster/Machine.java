package one.derailed.gateway.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Machine is what the plan must fit: cores, memory, this process's open-files limits, ports, load, from /proc. */
public record Machine(int cpus, String cpuModel, long memTotalMib, long memAvailableMib, long softOpenFiles,
                      long hardOpenFiles, int portLow, int portHigh, int somaxconn, String kernel, String load) {

    public static Machine current() {
        long[] files = openFiles();
        int[] ports = ports();
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), meminfo("MemTotal:") / 1024,
                meminfo("MemAvailable:") / 1024, files[0], files[1], ports[0], ports[1],
                (int) number(read("/proc/sys/net/core/somaxconn"), 4096),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), currentLoad());
    }

    /** The ephemeral ports one source address has towards one destination. */
    public int ephemeralPorts() {
        return portHigh - portLow + 1;
    }

    public static String currentLoad() {
        String[] fields = read("/proc/loadavg").split(" ");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "?";
    }

    private static String readCpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    private static long meminfo(String key) {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith(key)) {
                return number(line.substring(key.length()).replace("kB", "").trim(), 0);
            }
        }
        return 0;
    }

    /** Soft and hard "Max open files" of this process (-1: unlimited). */
    private static long[] openFiles() {
        for (String line : lines("/proc/self/limits")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[] {limit(f[0]), limit(f[1])};
            }
        }
        return new long[] {-1, -1};
    }

    private static long limit(String value) {
        return value.equals("unlimited") ? Long.MAX_VALUE : number(value, 0);
    }

    private static int[] ports() {
        String[] f = read("/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
        return f.length == 2 ? new int[] {(int) number(f[0], 32768), (int) number(f[1], 60999)}
                : new int[] {32768, 60999};
    }

    private static long number(String s, long otherwise) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String read(String path) {
        try {
            // Not readString: on sysctl files it returns the first byte only (JDK 25, Linux 6.18).
            return String.join("\n", Files.readAllLines(Path.of(path))).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            return List.of();
        }
    }
}
