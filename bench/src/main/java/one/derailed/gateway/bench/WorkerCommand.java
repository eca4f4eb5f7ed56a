package one.derailed.gateway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import one.derailed.gateway.bench.wire.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * worker: one process of a load generator spread over several (one process may hold at most ~20,000 sockets here).
 * It holds a {@link Fleet} of the tokens file's lines {@code --from} .. {@code --from + -n - 1} and answers one
 * line per command on stdin ({@link RemoteFleet} is the other end): {@code start identify|hold}, {@code identify},
 * {@code sample}, {@code arrivals FIRST LAST}, {@code close}. The end of stdin closes the fleet and ends the process,
 * so a worker never outlives the scenario that started it.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "A fleet driven over stdin/stdout by `derailed-bench run` (not for direct use).")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    Options.Fleet fleetOptions;

    @Option(names = "--from", defaultValue = "0", description = "First line of the tokens file (0-based).")
    int from;

    @Option(names = "--endpoints", required = true, split = ",",
            description = "Gateway WebSocket endpoints, host:port, comma-separated: sessions start at the first;"
                    + " reconnecting ones go to the others.")
    List<String> endpoints;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        List<Account> accounts = Account.read(fleetOptions.tokens, from, fleetOptions.sessions);
        List<Endpoint> targets = new ArrayList<>();
        for (String endpoint : endpoints) {
            int colon = endpoint.lastIndexOf(':');
            targets.add(Endpoint.of(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)),
                    FleetConfig.query(fleetOptions.compress), null));
        }
        try (Fleet fleet = new Fleet(fleetOptions.config(targets), accounts)) {
            out.println("ok worker pid=" + ProcessHandle.current().pid() + " sessions=" + fleet.size()
                    + " threads=" + fleet.threads());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split(" ");
                try {
                    switch (words[0]) {
                        case "start" -> {
                            fleet.start(words.length > 1 && words[1].equals("identify"));
                            out.println("ok");
                        }
                        case "identify" -> {
                            fleet.enableIdentify();
                            out.println("ok");
                        }
                        case "sample" -> out.println("ok " + fleet.sample().encode());
                        case "arrivals" -> out.println("ok " + arrivals(fleet, Long.parseLong(words[1]),
                                Long.parseLong(words[2])));
                        case "close" -> {
                            fleet.close();
                            out.println("ok " + fleet.sample().encode());
                            return 0;
                        }
                        default -> out.println("error unknown command " + words[0]);
                    }
                } catch (RuntimeException e) {
                    out.println("error " + e.toString().replace('\n', ' '));
                }
            }
        }
        return 0;
    }

    private static String arrivals(Fleet fleet, long first, long last) {
        StringBuilder s = new StringBuilder();
        for (long[] a : fleet.arrivals(first, last)) {
            s.append(s.isEmpty() ? "" : ",").append(a[0]).append(':').append(a[1]);
        }
        return s.toString();
    }
}
