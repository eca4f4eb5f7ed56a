package one.derailed.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * RemoteFleet is a {@link WorkerCommand} process seen as a {@link FleetControl}: one command line to its stdin, one
 * answer line back, each bounded in time. Its stderr goes to a log file. Closing it closes its sessions and waits
 * (bounded) for the process to end; {@link #kill} ends it at once.
 */
final class RemoteFleet implements FleetControl {
    private static final long START_TIMEOUT_MILLIS = 120_000;
    private static final long REQUEST_TIMEOUT_MILLIS = 60_000;
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;
    private static final String END = "\u0000end";

    private final String name;
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final int size;
    private volatile FleetSample last = FleetSample.empty();

    RemoteFleet(String name, List<String> command, Path log) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone; END says so
            }
            lines.add(END);
        }, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        String hello = next(START_TIMEOUT_MILLIS, "start (log: " + log + ")");
        int at = hello.indexOf("sessions=");
        this.size = Integer.parseInt(hello.substring(at + 9).split(" ")[0]);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int size() {
        return size;
    }

    private synchronized String request(String command, long timeoutMillis) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException(name + " is gone (" + command + "): " + e.getMessage());
        }
        String line = next(timeoutMillis, command);
        if (line.startsWith("error")) {
            throw new IllegalStateException(name + ": " + line);
        }
        return line.length() > 3 ? line.substring(3) : "";
    }

    private String next(long timeoutMillis, String what) {
        try {
            String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " did not answer " + what + " in " + timeoutMillis + " ms");
            }
            if (line == END) {
                lines.add(END);
                throw new IllegalStateException(name + " ended (exit " + exitCode() + ") during " + what);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted during " + what);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    @Override
    public void start(boolean identifyOnHello) {
        request(identifyOnHello ? "start identify" : "start hold", REQUEST_TIMEOUT_MILLIS);
    }

    @Override
    public void enableIdentify() {
        request("identify", REQUEST_TIMEOUT_MILLIS);
    }

    @Override
    public FleetSample sample() {
        last = FleetSample.decode(request("sample", REQUEST_TIMEOUT_MILLIS));
        return last;
    }

    /** The last sample this worker gave, also once it is gone. */
    FleetSample lastSample() {
        return last;
    }

    @Override
    public List<long[]> arrivals(long first, long last) {
        List<long[]> result = new ArrayList<>();
        String answer = request("arrivals " + first + " " + last, REQUEST_TIMEOUT_MILLIS);
        for (String pair : answer.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                result.add(new long[] {Long.parseLong(pair.substring(0, colon)),
                        Long.parseLong(pair.substring(colon + 1))});
            }
        }
        return result;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                last = FleetSample.decode(request("close", CLOSE_TIMEOUT_MILLIS));
            } catch (RuntimeException e) {
                System.err.println(name + ": " + e.getMessage());
            }
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** Ends the process now (SIGKILL), whatever it is doing. */
    void kill() {
        process.destroyForcibly();
    }
}
