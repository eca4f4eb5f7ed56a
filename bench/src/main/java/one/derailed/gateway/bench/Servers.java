package one.derailed.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Servers is the gateway processes a run measures, each by its {@link ServerProbe} (CPU, RSS, run-queue wait from
 * /proc, heap by jcmd, /metrics), summed where a figure is the cluster's.
 */
final class Servers {
    /** One gateway process: its name, probe, whether it holds sessions, and how many it is meant to. */
    record Server(String name, ServerProbe probe, boolean edge, int plannedSessions) {
    }

    private final List<Server> servers;

    Servers(List<Server> servers) {
        this.servers = List.copyOf(servers);
    }

    List<Server> all() {
        return servers;
    }

    List<Server> edges() {
        return servers.stream().filter(Server::edge).toList();
    }

    /** CPU of every server, user and system, in nanoseconds (-1 when none is known). */
    long cpuNanos() {
        return sum(ServerProbe::cpuNanos);
    }

    long runQueueWaitNanos() {
        return sum(ServerProbe::runQueueWaitNanos);
    }

    long rss() {
        return sum(ServerProbe::rss);
    }

    private long sum(java.util.function.ToLongFunction<ServerProbe> figure) {
        long total = 0;
        boolean any = false;
        for (Server s : servers) {
            long v = figure.applyAsLong(s.probe());
            if (v >= 0) {
                total += v;
                any = true;
            }
        }
        return any ? total : -1;
    }

    /** Each server's /metrics (null where absent), in order. */
    List<Map<String, Double>> metrics() {
        List<Map<String, Double>> all = new ArrayList<>();
        for (Server s : servers) {
            all.add(s.probe().metrics());
        }
        return all;
    }

    /** The sum over every server of the {@code derailed_*} family {@code name} (labels summed), or -1. */
    static double family(List<Map<String, Double>> metrics, String name) {
        double total = 0;
        boolean any = false;
        for (Map<String, Double> m : metrics) {
            if (m == null) {
                continue;
            }
            for (Map.Entry<String, Double> e : m.entrySet()) {
                String key = e.getKey();
                int brace = key.indexOf('{');
                if ((brace < 0 ? key : key.substring(0, brace)).equals(name)) {
                    total += e.getValue();
                    any = true;
                }
            }
        }
        return any ? total : -1;
    }
}
