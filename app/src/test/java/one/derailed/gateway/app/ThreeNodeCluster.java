package one.derailed.gateway.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.DatabaseSettings;
import one.derailed.gateway.store.DemoData;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;

/**
 * ThreeNodeCluster is three all-roles gateway JVMs on loopback forming one cluster over one H2 file database. The
 * database is opened, migrated and seeded with the demo by this JVM, which then serves it to the nodes (H2's
 * AUTO_SERVER: the first to open the file serves it to the others): so no node's leave or crash takes the database
 * with it, the three nodes start at once, and a test can reach the database from outside the gateway, as an
 * operator would, to make it fail. Rebalancing is off, so a guild stays on the node it was first placed on until that
 * node goes.
 */
final class ThreeNodeCluster implements AutoCloseable {
    static final Duration START = Duration.ofMinutes(2);

    final List<GatewayProcess> nodes = new ArrayList<>();
    final Demo demo;
    private final Database database;
    private final Path directory;

    private ThreeNodeCluster(Database database, Path directory) throws Exception {
        this.database = database;
        this.directory = directory;
        try {
            this.demo = Demo.seed(database);
            GatewayProcess seed = node(directory, Map.of());
            Map<String, String> join = Map.of("DERAILED_SEED_NODES", "127.0.0.1:" + seed.clusterPort);
            node(directory, join);
            node(directory, join);
            for (GatewayProcess node : nodes) {
                node.awaitReady(START);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    static ThreeNodeCluster start() throws Exception {
        Path directory = Files.createTempDirectory("derailed-cluster");
        return new ThreeNodeCluster(Database.open(new DatabaseSettings(url(directory), "sa", "", 2, true)),
                directory);
    }

    private static String url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("db/derailed") + ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE";
    }

    private GatewayProcess node(Path directory, Map<String, String> environment) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        env.put("DERAILED_DB_URL", url(directory));
        // C1 only and the serial collector: three JVMs start at once on a shared 2-core machine, and the load they
        // carry here (20 events a second) needs no more.
        env.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                + " -Dpekko.cluster.sharding.rebalance-interval=1h");
        // The gateway's own debug lines say what its sessions and guilds decided; the logs stay in the directory.
        env.put("DERAILED_LOG_LEVEL", "DEBUG");
        GatewayProcess process = GatewayProcess.start(directory, env, "run");
        nodes.add(process);
        return process;
    }

    /** Every node's WebSocket port, {@code first} first, then the others in order: a client's list to fail over. */
    List<Integer> portsFrom(GatewayProcess first) {
        List<Integer> ports = new ArrayList<>();
        ports.add(first.webSocketPort);
        for (GatewayProcess node : nodes) {
            if (node != first) {
                ports.add(node.webSocketPort);
            }
        }
        return ports;
    }

    /** The node where a guild is live (/metrics: derailed_guilds_live), when exactly one node has one; else null. */
    GatewayProcess guildHolder() throws Exception {
        GatewayProcess holder = null;
        for (GatewayProcess node : nodes) {
            if (node.isAlive() && node.metrics().getOrDefault("derailed_guilds_live", 0.0) >= 1) {
                if (holder != null) {
                    return null;
                }
                holder = node;
            }
        }
        return holder;
    }

    GatewayProcess other(GatewayProcess... not) {
        for (GatewayProcess node : nodes) {
            if (!List.of(not).contains(node)) {
                return node;
            }
        }
        throw new IllegalStateException("no other node");
    }

    /** Runs one statement on the database from outside the gateway (e.g. to make its reads fail for a while). */
    void execute(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Node output for a failure message, last lines of each. */
    String logs() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            List<String> lines = nodes.get(i).output;
            all.append("\n---- node ").append(i + 1).append(" (ws ").append(nodes.get(i).webSocketPort)
                    .append(") ----\n");
            lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(l -> all.append(l).append('\n'));
        }
        return all.toString();
    }

    /** Stops every node and keeps what each printed in the cluster's directory, for a look after the test. */
    @Override
    public void close() throws Exception {
        for (GatewayProcess node : nodes.reversed()) {
            node.close();
        }
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).awaitExit(Duration.ofSeconds(30));
            Files.write(directory.resolve("node-" + (i + 1) + ".log"), nodes.get(i).output);
        }
        System.out.println("node logs: " + directory + "/node-*.log");
        database.close();
    }

    /** The demo (store/DemoData): tokens of ada and grace, members of the HQ guild only, and HQ's id. */
    record Demo(String adaToken, String graceToken, String hqId) {
        static Demo seed(Database database) {
            Map<String, UserRecord> users = new HashMap<>();
            DemoData.seedIfEmpty(database.dataSource()).forEach(user -> users.put(user.username(), user));
            UserRecord ada = users.get("ada");
            UserRecord grace = users.get("grace");
            List<MemberRecord> guilds = database.store().membershipsOf(ada.id());
            if (guilds.size() != 1 || database.store().membershipsOf(grace.id()).size() != 1) {
                throw new IllegalStateException("the demo changed: ada and grace should share one guild only");
            }
            return new Demo(database.store().issueToken(ada.id()).orElseThrow(),
                    database.store().issueToken(grace.id()).orElseThrow(), Long.toString(guilds.get(0).guildId()));
        }
    }
}
