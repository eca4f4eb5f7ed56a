package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.protocol.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code derailed admin ...}: the admin page's reads and actions from a shell, against a running node's operator
 * listener, through the same admin API (docs/operations.md, "derailed admin"). The node is the configured operator
 * listener ({@code DERAILED_OPERATOR_HOST}/{@code _PORT}, token {@code DERAILED_OPERATOR_TOKEN}) unless
 * {@code --url} names another. Exit status: 0 done, 1 the node refused or did not answer (the message says why),
 * 2 a bad command line.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Look at a running cluster and act on it, through a node's admin API (the operator listener).",
        subcommands = {AdminCommand.Status.class, AdminCommand.User.class, AdminCommand.Session.class,
                AdminCommand.Disconnect.class, AdminCommand.Reconnect.class, AdminCommand.Publish.class,
                AdminCommand.Drain.class})
public final class AdminCommand implements Runnable {

    @Option(names = "--url", description = "The node's operator listener, e.g. http://127.0.0.1:9090 (default: the "
            + "configured derailed.operator host and port).")
    URI url;

    @Option(names = "--json", description = "Print the API's JSON answer as it is.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final PrintStream out;
    final PrintStream err;

    public AdminCommand() {
        this(System.out, System.err);
    }

    /** A command that prints to {@code out} and {@code err} (tests). */
    public AdminCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    AdminClient client() {
        GatewaySettings.Operator operator = GatewaySettings.from(GatewayNode.loadConfig(ConfigFactory.empty()))
                .operator();
        URI base = url != null ? url : URI.create("http://" + hostForUrl(operator.host()) + ":" + operator.port());
        return new AdminClient(base, operator.token());
    }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Something asked of the API; its answer printed as text, or as JSON with {@code --json}. */
    @FunctionalInterface
    interface Asked {
        JsonNode ask(AdminClient client) throws AdminClient.Refused, IOException, InterruptedException;
    }

    int answer(Asked asked, java.util.function.BiConsumer<JsonNode, PrintStream> printer) {
        AdminClient client = client();
        try {
            JsonNode answer = asked.ask(client);
            if (json) {
                out.println(answer.toPrettyString());
            } else {
                printer.accept(answer, out);
            }
            return 0;
        } catch (AdminClient.Refused refused) {
            err.println("admin: " + refused.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("admin: no answer from " + client.base() + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The cluster's nodes, the top guilds and the last minutes' rates.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            return admin.answer(client -> client.get("cluster"), AdminText::cluster);
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "A user's sessions: where each lives, its phase, presence and guilds.")
    static final class User implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", description = "The user's id.")
        String userId;

        @Override
        public Integer call() {
            return admin.answer(client -> client.get("user?id=" + encode(userId)), AdminText::user);
        }
    }

    @Command(name = "session", mixinStandardHelpOptions = true, description = "A session, by its session_id.")
    static final class Session implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", description = "The session_id (32 hexadecimal digits).")
        String sessionId;

        @Override
        public Integer call() {
            return admin.answer(client -> client.get("session?id=" + encode(sessionId)), AdminText::session);
        }
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true,
            description = "Close every socket of a user, on every node, with a close code.")
    static final class Disconnect implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", description = "The user's id.")
        String userId;

        @Option(names = "--code", defaultValue = "4000", description = "The close code (default 4000, resumable; "
                + "4009 ends the sessions: the client identifies anew). Any of the gateway's close codes.")
        int code;

        @Option(names = "--reason", description = "The close reason the client sees (at most 123 bytes).")
        String reason;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("user_id", userId).put("code", code);
            if (reason != null) {
                body.put("reason", reason);
            }
            return admin.answer(client -> client.post("disconnect", body), AdminText::action);
        }
    }

    @Command(name = "reconnect", aliases = "op7", mixinStandardHelpOptions = true,
            description = "Send op 7 RECONNECT to every client of a node: they reconnect and resume.")
    static final class Reconnect implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", arity = "0..1", description = "The node (host:port of its cluster address; "
                + "default: the node asked).")
        String node;

        @Override
        public Integer call() {
            return admin.answer(client -> client.post("reconnect", nodeBody(node)), AdminText::action);
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish a test event to a guild or a user, as the API's gRPC publish does.")
    static final class Publish implements Callable<Integer> {
        enum Target { guild, user }

        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", description = "guild or user")
        Target target;

        @Parameters(index = "1", description = "The guild's or user's id.")
        String id;

        @Parameters(index = "2", description = "The event name, e.g. MESSAGE_CREATE.")
        String event;

        @Parameters(index = "3", description = "The event's d, as JSON text.")
        String data;

        @Override
        public Integer call() {
            JsonNode d;
            try {
                d = Json.MAPPER.readTree(data);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(admin.spec.commandLine(), "the event's d is not JSON: "
                        + e.getMessage());
            }
            ObjectNode body = Json.MAPPER.createObjectNode().put("target", target.name()).put("id", id)
                    .put("event", event);
            body.set("data", d);
            return admin.answer(client -> client.post("publish", body),
                    (answer, out) -> out.println("published " + event + " to " + target + " " + id));
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Drain a node: its graceful leave (clients resume elsewhere, guilds and users move, the "
                    + "process exits). With --wait, follow it until the node has left.")
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(index = "0", arity = "0..1", description = "The node (host:port of its cluster address; "
                + "default: the node asked).")
        String node;

        @Option(names = "--wait", description = "Show the leave's progress until the node has left.")
        boolean await;

        @Option(names = "--timeout", defaultValue = "120s", description = "How long --wait follows it (default "
                + "120s).", converter = DurationConverter.class)
        Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            int started = admin.answer(client -> client.post("drain", nodeBody(node)), AdminText::action);
            if (started != 0 || !await) {
                return started;
            }
            return new DrainFollower(admin.client(), node, timeout, admin.out).follow();
        }
    }

    static JsonNode nodeBody(String node) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (node != null) {
            body.put("node", node);
        }
        return body;
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads 120s, 2m, 500ms (HOCON's durations, as derailed.conf writes them). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return ConfigFactory.parseString("d = " + value).getDuration("d");
        }
    }
}
