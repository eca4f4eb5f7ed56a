package one.derailed.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ServerProbe reads the gateway process's figures: RSS and CPU time from /proc/PID, heap used (after a GC when
 * asked) from {@code jcmd PID GC.heap_info}, and whatever the gateway's Prometheus /metrics serves. Everything is
 * optional: without a pid or a /metrics endpoint the figures are just absent (-1, null).
 */
final class ServerProbe {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)([KMG])");
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private final long pid;
    private final URI metrics;
    private final HttpClient http;
    private volatile String metricsProblem;

    /** Heap used and RSS in bytes (-1 when unknown). */
    record Snapshot(long heapUsed, long rss) {}

    ServerProbe(long pid, String metricsUrl) {
        this.pid = pid;
        this.metrics = metricsUrl == null ? null : URI.create(metricsUrl);
        this.http = metricsUrl == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Heap used (after a full GC when {@code gcFirst}) and RSS. */
    Snapshot snapshot(boolean gcFirst) {
        long heap = -1;
        if (pid > 0) {
            if (gcFirst) {
                jcmd("GC.run");
            }
            String info = jcmd("GC.heap_info");
            Matcher m = info == null ? null : HEAP_USED.matcher(info);
            if (m != null && m.find()) {
                long value = Long.parseLong(m.group(1));
                heap = switch (m.group(2)) {
                    case "K" -> value << 10;
                    case "M" -> value << 20;
                    default -> value << 30;
                };
            }
        }
        return new Snapshot(heap, rss());
    }

    /** The server's resident set in bytes, or -1. */
    long rss() {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The server's user + system CPU time in nanoseconds, or -1. */
    long cpuNanos() {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The time the server's threads spent runnable but waiting for a CPU, in nanoseconds (the sum of the second field
     * of /proc/PID/task/TID/schedstat over live threads), or -1. On a shared machine it tells how much of a latency is
     * the scheduler's: wait grows by up to (threads - cores) seconds per second when the machine is oversubscribed.
     */
    long runQueueWaitNanos() {
        return pid <= 0 ? -1 : runQueueWaitNanos(pid);
    }

    private static long runQueueWaitNanos(long pid) {
        long sum = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    sum += Long.parseLong(fields[1]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        ProcessBuilder builder = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                Long.toString(pid), command).redirectErrorStream(true);
        try {
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Every sample /metrics serves (name with labels -> value), or null when it is absent or unreadable. */
    Map<String, Double> metrics() {
        if (metrics == null) {
            return null;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                metricsProblem = metrics + " answered " + response.statusCode();
                return null;
            }
            metricsProblem = null;
            return parse(response.body());
        } catch (IOException e) {
            metricsProblem = metrics + ": " + e.getClass().getSimpleName();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Why the last {@link #metrics()} gave nothing, or null. */
    String metricsProblem() {
        return metricsProblem;
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            int split = close >= 0 ? close + 1 : line.indexOf(' ');
            if (split <= 0 || split >= line.length()) {
                continue;
            }
            String[] value = line.substring(split).trim().split("\\s+");
            try {
                samples.put(line.substring(0, split).trim(), Double.parseDouble(value[0].replace("+Inf", "Infinity")
                        .replace("-Inf", "-Infinity")));
            } catch (NumberFormatException ignored) {
                // a sample we cannot read is left out
            }
        }
        return samples;
    }

    /**
     * A short line of the figures that matter here: every {@code derailed_*} series summed over its labels (buckets
     * left out), heap used, and the process RSS if the endpoint reports it.
     */
    static String summary(Map<String, Double> samples, int maxFamilies) {
        Map<String, Double> families = new LinkedHashMap<>();
        double heap = 0;
        boolean sawHeap = false;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            int brace = key.indexOf('{');
            String name = brace < 0 ? key : key.substring(0, brace);
            if (name.equals("jvm_memory_used_bytes") && key.contains("area=\"heap\"")) {
                heap += sample.getValue();
                sawHeap = true;
            } else if ((name.startsWith("derailed_") && !name.endsWith("_bucket") && !name.endsWith("_max"))
                    || name.equals("process_resident_memory_bytes")) {
                families.merge(name, sample.getValue(), Double::sum);
            }
        }
        StringBuilder line = new StringBuilder();
        if (sawHeap) {
            line.append("heap ").append(mib((long) heap));
        }
        int shown = 0;
        for (Map.Entry<String, Double> family : families.entrySet()) {
            if (shown++ >= maxFamilies) {
                line.append(" ...");
                break;
            }
            double v = family.getValue();
            line.append(line.isEmpty() ? "" : ", ").append(family.getKey()).append(' ')
                    .append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                            : String.format("%.3g", v));
        }
        return line.toString();
    }

    /** The 1-minute load average of this machine (shared with other work: it says how contended the run was). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
