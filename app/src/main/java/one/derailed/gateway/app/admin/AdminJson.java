package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import one.derailed.gateway.core.admin.AdminProtocol;
import one.derailed.gateway.core.admin.ClusterView;
import one.derailed.gateway.core.session.SessionDescription;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.Json;

/**
 * AdminJson writes what the admin API answers. Snowflakes are strings, as Discord writes them: JavaScript's numbers
 * lose them past 2^53. Field names are the API's (docs/operations.md, "The admin API").
 */
final class AdminJson {
    private AdminJson() {}

    static String cluster(ClusterView view) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("self", view.self());
        root.put("at", view.atMillis());
        ArrayNode nodes = root.putArray("nodes");
        for (ClusterView.Node node : view.nodes()) {
            ObjectNode n = nodes.addObject();
            n.put("node", node.node());
            n.put("status", node.status());
            n.put("reachable", node.reachable());
            strings(n.putArray("roles"), node.roles());
            n.put("problem", node.problem());
            AdminProtocol.NodeReport report = node.report();
            if (report == null) {
                n.putNull("report");
                continue;
            }
            ObjectNode r = n.putObject("report");
            r.put("uptime_seconds", report.uptimeSeconds());
            r.put("sessions", report.sessions());
            if (report.sockets() >= 0) {
                r.put("sockets", report.sockets());
            } else {
                r.putNull("sockets");
            }
            r.put("guilds", report.liveGuilds());
            r.put("users", report.liveUsers());
            r.put("relay_lanes", report.relayLanes());
            r.put("client_bytes", report.clientBytes());
            r.put("client_bytes_limit", report.clientBytesLimit());
            r.put("heap_used_bytes", report.heapUsedBytes());
            r.put("heap_max_bytes", report.heapMaxBytes());
            AdminProtocol.Leaving leaving = report.drain();
            if (leaving == null) {
                r.putNull("leaving");
            } else {
                ObjectNode l = r.putObject("leaving");
                l.put("started_at", leaving.startedAtMillis());
                l.put("reason", leaving.reason());
                l.put("phase", leaving.phase());
                l.put("step", leaving.step());
                l.put("since_start_ms", leaving.sinceStartMillis());
            }
        }
        ArrayNode guilds = root.putArray("top_guilds");
        for (ClusterView.Guild guild : view.topGuilds()) {
            ObjectNode g = guilds.addObject();
            g.put("id", Long.toString(guild.guildId()));
            g.put("name", guild.name());
            g.put("online", guild.online());
            g.put("members", guild.members());
            g.put("node", guild.node());
        }
        root.put("sample_interval_ms", view.sampleIntervalMillis());
        ArrayNode samples = root.putArray("samples");
        for (AdminProtocol.Sample sample : view.samples()) {
            ObjectNode s = samples.addObject();
            s.put("at", sample.at());
            s.put("published", sample.published());
            s.put("delivered", sample.delivered());
            s.put("invalid_sessions", sample.invalidSessions());
            ObjectNode closes = s.putObject("closes");
            sample.closes().forEach(closes::put);
        }
        return root.toString();
    }

    static String user(ClusterView.User user) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", Long.toString(user.userId()));
        root.put("username", user.username());
        root.put("session_count", user.sessions());
        sessions(root.putArray("sessions"), user.described());
        strings(root.putArray("unanswered_nodes"), user.unansweredNodes());
        root.put("unanswered_sessions", user.unanswered());
        return root.toString();
    }

    static String session(ClusterView.Session session) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        session(root, session);
        return root.toString();
    }

    static String action(ClusterView.Action action) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("sessions", action.sessions());
        ArrayNode nodes = root.putArray("nodes");
        for (AdminProtocol.Acted acted : action.nodes()) {
            ObjectNode n = nodes.addObject();
            n.put("node", acted.node());
            n.put("sessions", acted.sessions());
            n.put("outcome", acted.outcome());
        }
        strings(root.putArray("unanswered_nodes"), action.unansweredNodes());
        return root.toString();
    }

    /** The close codes an operator may choose, with Discord's meaning and what a client does after each. */
    static String closeCodes() {
        ArrayNode codes = Json.MAPPER.createArrayNode();
        for (CloseCode code : CloseCode.values()) {
            ObjectNode c = codes.addObject();
            c.put("code", code.code());
            c.put("meaning", code.meaning());
            c.put("resumable", code.resumable());
            c.put("reconnects", code.reconnectable());
        }
        return codes.toString();
    }

    static String message(int status, String message) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("message", status + ": " + message);
        root.put("code", 0);
        return root.toString();
    }

    private static void sessions(ArrayNode array, List<ClusterView.Session> sessions) {
        for (ClusterView.Session session : sessions) {
            session(array.addObject(), session);
        }
    }

    private static void session(ObjectNode s, ClusterView.Session session) {
        SessionDescription d = session.description();
        s.put("node", session.node());
        s.put("session_id", d.sessionId());
        s.put("user_id", Long.toString(d.userId()));
        s.put("phase", d.phase());
        s.put("connected", d.connected());
        s.put("seq", d.seq());
        s.put("shard", d.shardId() + "/" + d.shardCount());
        s.put("intents", d.intents());
        s.put("status", d.status());
        s.put("guild_count", d.guildCount());
        ArrayNode guilds = s.putArray("guilds");
        for (long guild : d.guilds()) {
            guilds.add(Long.toString(guild));
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
