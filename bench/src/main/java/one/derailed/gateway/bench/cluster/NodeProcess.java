package one.derailed.gateway.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * NodeProcess is one gateway node the bench started: its process, roles, ports and log. Ready means its
 * {@code /readyz} answers 200 (it joined the cluster), as {@code ./derailed cluster status} checks.
 */
public final class NodeProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final NodeSpec spec;
    private final Path log;
    private Process process;

    NodeProcess(NodeSpec spec, Path log) {
        this.spec = spec;
        this.log = log;
    }

    public NodeSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Path log() {
        return log;
    }

    void start(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Whether {@code /readyz} answers 200 within 2 s. */
    public boolean ready() {
        return readiness() == 200;
    }

    /** The status {@code /readyz} answers with, or -1 when it does not answer within 2 s (or at all). */
    public int readiness() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + spec.httpPort() + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String metricsUrl() {
        return "http://127.0.0.1:" + spec.operatorPort() + "/metrics";
    }

    /** SIGTERM: a graceful leave. */
    void terminate() {
        if (process != null) {
            process.destroy();
        }
    }

    /** SIGKILL: a crash. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** Waits at most {@code millis} for the process to end; whether it did. */
    boolean awaitExit(long millis) {
        if (process == null) {
            return true;
        }
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
