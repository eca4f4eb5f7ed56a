package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** AdminText prints the admin API's answers for a terminal ({@code derailed admin}); {@code --json} prints them raw. */
final class AdminText {
    private AdminText() {}

    static void cluster(JsonNode view, PrintStream out) {
        out.println("cluster seen from " + view.path("self").asText());
        table(out, List.of("NODE", "STATUS", "ROLES", "UPTIME", "SESSIONS", "SOCKETS", "GUILDS", "USERS", "LANES",
                "CLIENT BYTES", "LEAVING"), rows(view));
        JsonNode top = view.path("top_guilds");
        if (!top.isEmpty()) {
            out.println();
            List<List<String>> guilds = new ArrayList<>();
            top.forEach(g -> guilds.add(List.of(g.path("id").asText(), g.path("name").asText(),
                    g.path("online").asText(), g.path("members").asText(), g.path("node").asText())));
            table(out, List.of("GUILD", "NAME", "ONLINE", "MEMBERS", "NODE"), guilds);
        }
        JsonNode samples = view.path("samples");
        if (!samples.isEmpty()) {
            double seconds = samples.size() * view.path("sample_interval_ms").doubleValue() / 1000;
            long published = 0;
            long delivered = 0;
            long invalid = 0;
            Map<String, Long> closes = new TreeMap<>();
            for (JsonNode s : samples) {
                published += s.path("published").longValue();
                delivered += s.path("delivered").longValue();
                invalid += s.path("invalid_sessions").longValue();
                s.path("closes").properties().forEach(c -> closes.merge(c.getKey(), c.getValue().longValue(),
                        Long::sum));
            }
            out.println();
            out.printf("last %.0f s, all nodes: %d published (%.1f/s), %d delivered (%.1f/s), %d op 9, closes %s%n",
                    seconds, published, published / seconds, delivered, delivered / seconds, invalid,
                    closes.isEmpty() ? "none" : closes);
        }
    }

    private static List<List<String>> rows(JsonNode view) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode node : view.path("nodes")) {
            JsonNode r = node.path("report");
            String status = node.path("status").asText() + (node.path("reachable").booleanValue() ? ""
                    : ", unreachable");
            List<String> roles = new ArrayList<>();
            node.path("roles").forEach(role -> roles.add(role.asText()));
            if (r.isNull() || r.isMissingNode()) {
                rows.add(List.of(node.path("node").asText(), status, String.join(",", roles),
                        node.path("problem").asText("-"), "", "", "", "", "", "", ""));
                continue;
            }
            JsonNode leaving = r.path("leaving");
            rows.add(List.of(node.path("node").asText(), status, String.join(",", roles),
                    r.path("uptime_seconds").asText() + "s", r.path("sessions").asText(),
                    r.path("sockets").isNull() ? "-" : r.path("sockets").asText(), r.path("guilds").asText(),
                    r.path("users").asText(), r.path("relay_lanes").asText(),
                    mib(r.path("client_bytes").longValue()) + "/" + mib(r.path("client_bytes_limit").longValue()),
                    leaving.isNull() ? "-" : leaving.path("step").asText()));
        }
        return rows;
    }

    static void user(JsonNode user, PrintStream out) {
        out.println("user " + user.path("id").asText() + (user.path("username").isNull() ? " (not in the database)"
                : " (" + user.path("username").asText() + ")") + ": " + user.path("session_count").asText()
                + " sessions");
        sessions(out, user.path("sessions"));
        if (!user.path("unanswered_nodes").isEmpty() || user.path("unanswered_sessions").intValue() > 0) {
            out.println("not described in time: " + user.path("unanswered_sessions").asText() + " sessions, nodes "
                    + user.path("unanswered_nodes"));
        }
    }

    static void session(JsonNode session, PrintStream out) {
        sessions(out, List.of(session));
    }

    private static void sessions(PrintStream out, Iterable<JsonNode> sessions) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode s : sessions) {
            rows.add(List.of(s.path("session_id").asText(), s.path("user_id").asText(), s.path("node").asText(),
                    s.path("connected").booleanValue() ? "connected" : s.path("phase").asText(),
                    s.path("status").asText(), s.path("shard").asText(), s.path("intents").asText(),
                    s.path("seq").asText(), s.path("guild_count").asText()));
        }
        if (!rows.isEmpty()) {
            table(out, List.of("SESSION", "USER", "NODE", "PHASE", "PRESENCE", "SHARD", "INTENTS", "SEQ", "GUILDS"),
                    rows);
        }
    }

    static void action(JsonNode action, PrintStream out) {
        for (JsonNode node : action.path("nodes")) {
            out.println(node.path("node").asText() + ": " + node.path("outcome").asText() + " ("
                    + node.path("sessions").asText() + " sessions)");
        }
        if (action.path("nodes").isEmpty()) {
            out.println("no session to act on");
        }
        for (JsonNode node : action.path("unanswered_nodes")) {
            out.println(node.asText() + ": did not confirm in time");
        }
    }

    private static String mib(long bytes) {
        return bytes < 1024 * 1024 ? (bytes / 1024) + "KiB" : (bytes / (1024 * 1024)) + "MiB";
    }

    private static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        print(out, header, widths);
        rows.forEach(row -> print(out, row, widths));
    }

    private static void print(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(String.format("%-" + widths[i] + "s", cells.get(i)));
            if (i < cells.size() - 1) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
