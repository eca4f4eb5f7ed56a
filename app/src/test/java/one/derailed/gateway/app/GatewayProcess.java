package one.derailed.gateway.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * GatewayProcess runs the packaged {@code derailed} command as its own JVM, the way {@code ./derailed} runs it, in a
 * scratch directory of its own (so its embedded database starts empty), and keeps what it prints.
 */
final class GatewayProcess implements AutoCloseable {
    final Path directory;
    final int webSocketPort;
    final int grpcPort;
    final int clusterPort;
    final int operatorPort;
    private final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();

    private GatewayProcess(Path directory, int webSocketPort, int grpcPort, int clusterPort, int operatorPort,
                           Process process) {
        this.directory = directory;
        this.operatorPort = operatorPort;
        this.webSocketPort = webSocketPort;
        this.grpcPort = grpcPort;
        this.clusterPort = clusterPort;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "gateway-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static GatewayProcess start(String... args) throws IOException {
        return start(Files.createTempDirectory("derailed-process"), Map.of(), args);
    }

    /**
     * Starts {@code derailed args} in {@code directory} with {@code environment} on top of its own free ports (so
     * nodes of one cluster share a database and name their seed there).
     */
    static GatewayProcess start(Path directory, Map<String, String> environment, String... args) throws IOException {
        return start(directory, environment, List.of(), args);
    }

    /** As above, with {@code jvmOptions} (-X..., -D...) before {@code -jar}. */
    static GatewayProcess start(Path directory, Map<String, String> environment, List<String> jvmOptions,
                                String... args) throws IOException {
        int ws = freePort();
        int grpc = freePort();
        int cluster = freePort();
        int operator = freePort();
        List<String> command = new ArrayList<>(java());
        command.addAll(1, jvmOptions);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("DERAILED_WS_PORT", String.valueOf(ws),
                "DERAILED_GRPC_PORT", String.valueOf(grpc), "DERAILED_CLUSTER_PORT", String.valueOf(cluster),
                "DERAILED_OPERATOR_PORT", String.valueOf(operator)));
        builder.environment().putAll(environment);
        return new GatewayProcess(directory, ws, grpc, cluster, operator, builder.start());
    }

    /** Waits until the node answers {@code /readyz} with 200: it has joined its cluster. */
    void awaitReady(Duration timeout) throws InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + webSocketPort + "/readyz")).timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the node is still starting
            }
            if (!process.isAlive()) {
                throw new AssertionError("gateway exited " + process.exitValue() + ":\n" + String.join("\n", output));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready within " + timeout + ":\n" + String.join("\n", output));
    }

    /** The process id, for /proc and jcmd. */
    long pid() {
        return process.toHandle().pid();
    }

    /** SIGKILL (destroyForcibly on Linux): a crash, with no shutdown hook and no op 7. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("gateway survived SIGKILL for 30 s");
        }
    }

    /**
     * SIGTERM without waiting: the node starts its graceful leave while the caller goes on. Through the process's
     * handle, since {@link Process#destroy} also closes its output, and what the node prints while it leaves matters.
     */
    void signalTerminate() {
        process.toHandle().destroy();
    }

    /** Waits at most {@code timeout} for the process to end; true when it has. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Whether a printed line contains {@code fragment}. */
    boolean printed(String fragment) {
        return output.stream().anyMatch(line -> line.contains(fragment));
    }

    /** The node's {@code /metrics} figures, by name with labels (e.g. {@code derailed_guilds_live}). */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + operatorPort + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        Map<String, Double> figures = new java.util.HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                figures.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return figures;
    }

    /** Runs another {@code derailed} command against this gateway and returns its output; it must exit 0. */
    String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(java());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("DERAILED_GRPC_PORT", String.valueOf(grpcPort));
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
            throw new AssertionError("derailed " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    /** Waits until a printed line starts with {@code prefix} (after trimming) and returns it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : output) {
                if (line.trim().startsWith(prefix)) {
                    return line.trim();
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("gateway exited " + process.exitValue() + ":\n" + String.join("\n", output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line starting with '" + prefix + "' in:\n" + String.join("\n", output));
    }

    /** The line after the one starting with {@code prefix}. */
    String lineAfter(String prefix) {
        for (int i = 0; i < output.size() - 1; i++) {
            if (output.get(i).trim().startsWith(prefix)) {
                return output.get(i + 1).trim();
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "'");
    }

    /** Sends SIGTERM and waits for the process to end; returns its exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("gateway did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static List<String> java() {
        String jar = System.getProperty("derailed.app.jar");
        if (jar == null) {
            throw new IllegalStateException("derailed.app.jar is not set: run through Maven's integration-test phase");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar);
    }

    /** Ports this JVM has handed out already: the kernel may give a port it just freed to the next ask. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port that binds now, never handed out before, and below the kernel's ephemeral range (32768-60999 here),
     * which outbound connections take from: a node's listener found free there could be taken by another node's
     * outgoing connection before it binds (GuildMoveIT once failed on "Failed to bind" for a gRPC port that had
     * just been handed to another node as its cluster port).
     */
    private static int freePort() throws IOException {
        int start = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
        for (int i = 0; i < 12_000; i++) {
            int port = 20_000 + (start - 20_000 + i) % 12_000;
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            } catch (IOException taken) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
