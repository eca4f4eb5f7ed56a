package one.derailed.gateway.core.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.store.GatewayStore;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * ClusterAdmin is what the admin page and API ask, on the node serving them: it finds every node's {@link NodeAdmin}
 * through the receptionist and asks each, waiting {@code admin.ask-timeout} at most (a node that does not answer is
 * shown as such, never waited for longer); a user's sessions come from the user's entity (sharded) and each
 * session's node. Called from the operator listener's thread; every answer is a stage completed later.
 */
public final class ClusterAdmin {

    /** The action named a node that is not in the cluster (or whose admin is not listed yet). */
    public static final class NoSuchNode extends RuntimeException {
        public NoSuchNode(String node) {
            super("no node " + node + " in the cluster (nodes are named by their cluster address, host:port)");
        }
    }

    private final ActorSystem<?> system;
    private final GatewaySettings.Admin settings;
    private final GatewayStore store;
    private final Executor storeExecutor;
    private final String self;

    public ClusterAdmin(ActorSystem<?> system, GatewaySettings.Admin settings, GatewayStore store,
                        Executor storeExecutor) {
        this.system = system;
        this.settings = settings;
        this.store = store;
        this.storeExecutor = storeExecutor;
        this.self = nodeName(Cluster.get(system).selfMember().address());
    }

    /** A node's name in the admin: host:port of its cluster address. */
    public static String nodeName(Address address) {
        return address.getHost().orElse("local") + ":" + address.getPort().map(String::valueOf).orElse("0");
    }

    /** This node's name. */
    public String self() {
        return self;
    }

    /** Every member and what each node reports of itself. */
    public CompletionStage<ClusterView> cluster() {
        return admins().thenCompose(admins -> {
            Map<String, CompletableFuture<AdminProtocol.NodeReport>> asked = new LinkedHashMap<>();
            admins.forEach((node, admin) -> asked.put(node, AskPattern.<AdminProtocol.Command,
                            AdminProtocol.NodeReport>ask(admin, AdminProtocol.GetReport::new, settings.askTimeout(),
                            system.scheduler()).toCompletableFuture()));
            return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                    .handle((ignored, failure) -> view(admins, asked));
        });
    }

    private ClusterView view(Map<String, ActorRef<AdminProtocol.Command>> admins,
                             Map<String, CompletableFuture<AdminProtocol.NodeReport>> asked) {
        var state = Cluster.get(system).state();
        Set<Member> unreachable = state.getUnreachable();
        List<ClusterView.Node> nodes = new ArrayList<>();
        List<AdminProtocol.NodeReport> reports = new ArrayList<>();
        Map<String, Boolean> shown = new HashMap<>();
        for (Member member : state.getMembers()) {
            String node = nodeName(member.address());
            shown.put(node, true);
            nodes.add(node(node, member.status().toString(), !unreachable.contains(member),
                    member.getRoles().stream().filter(role -> !role.startsWith("dc-")).sorted().toList(),
                    admins.containsKey(node), asked.get(node), reports));
        }
        asked.forEach((node, report) -> {
            if (!shown.containsKey(node)) {
                nodes.add(node(node, "not a member", true, List.of(), true, report, reports));
            }
        });
        long interval = reports.isEmpty() ? settings.sampleInterval().toMillis()
                : reports.get(0).sampleIntervalMillis();
        return new ClusterView(self, System.currentTimeMillis(), nodes, topGuilds(reports), interval,
                summed(reports));
    }

    private static ClusterView.Node node(String node, String status, boolean reachable, List<String> roles,
                                         boolean listed, CompletableFuture<AdminProtocol.NodeReport> asked,
                                         List<AdminProtocol.NodeReport> reports) {
        if (!listed || asked == null) {
            return new ClusterView.Node(node, status, reachable, roles, null, "its admin is not listed");
        }
        if (asked.isCompletedExceptionally() || !asked.isDone()) {
            return new ClusterView.Node(node, status, reachable, roles, null, "no answer in time");
        }
        AdminProtocol.NodeReport report = asked.join();
        reports.add(report);
        return new ClusterView.Node(node, status, reachable, roles.isEmpty() ? report.roles() : roles, report, null);
    }

    private List<ClusterView.Guild> topGuilds(List<AdminProtocol.NodeReport> reports) {
        return reports.stream()
                .flatMap(report -> report.topGuilds().stream().map(guild -> new ClusterView.Guild(guild.guildId(),
                        guild.name(), guild.online(), guild.members(), report.node())))
                .sorted(Comparator.comparingInt(ClusterView.Guild::online).reversed()
                        .thenComparingLong(ClusterView.Guild::guildId))
                .limit(settings.topGuilds())
                .toList();
    }

    private static List<AdminProtocol.Sample> summed(List<AdminProtocol.NodeReport> reports) {
        TreeMap<Long, AdminProtocol.Sample> byTime = new TreeMap<>();
        for (AdminProtocol.NodeReport report : reports) {
            for (AdminProtocol.Sample sample : report.samples()) {
                byTime.merge(sample.at(), sample, RateHistory::merged);
            }
        }
        return new ArrayList<>(byTime.values());
    }

    /** A user's sessions: where its entity says they are, as each session's node describes them. */
    public CompletionStage<ClusterView.User> user(long userId) {
        CompletableFuture<String> username = CompletableFuture.supplyAsync(
                () -> store.findUser(userId).map(user -> user.username()).orElse(null), storeExecutor)
                .exceptionally(failure -> null);
        return sessionsOf(userId).thenCompose(sessions -> admins().thenCompose(admins -> {
            List<CompletableFuture<AdminProtocol.Described>> asked = new ArrayList<>();
            List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
            int[] count = {0};
            for (UserProtocol.NodeSessions onNode : sessions.nodes()) {
                count[0] += onNode.sessions().length;
                ActorRef<AdminProtocol.Command> admin = admins.get(nodeOf(onNode.relay()));
                if (admin == null) {
                    unanswered.add(nodeOf(onNode.relay()));
                    continue;
                }
                asked.add(this.<AdminProtocol.Described>ask(admin,
                                replyTo -> new AdminProtocol.DescribeSessions(onNode.sessions(), replyTo))
                        .exceptionally(failure -> {
                            unanswered.add(nodeOf(onNode.relay()));
                            return null;
                        }));
            }
            return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenCombine(username,
                    (ignored, name) -> {
                        List<ClusterView.Session> described = new ArrayList<>();
                        int notAnswering = 0;
                        for (CompletableFuture<AdminProtocol.Described> answer : asked) {
                            AdminProtocol.Described node = answer.join();
                            if (node != null) {
                                node.sessions().forEach(d -> described.add(new ClusterView.Session(node.node(), d)));
                                notAnswering += node.unanswered();
                            }
                        }
                        return new ClusterView.User(userId, name, count[0], described, List.copyOf(unanswered),
                                notAnswering);
                    });
        }));
    }

    /** The session with this session_id, on whichever node has it; empty when none does (of those that answered). */
    public CompletionStage<Optional<ClusterView.Session>> session(String sessionId) {
        return admins().thenCompose(admins -> {
            List<CompletableFuture<AdminProtocol.Described>> asked = admins.values().stream()
                    .map(admin -> this.<AdminProtocol.Described>ask(admin,
                                    replyTo -> new AdminProtocol.FindSession(sessionId, replyTo))
                            .exceptionally(failure -> null))
                    .toList();
            return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                    asked.stream().map(CompletableFuture::join)
                            .filter(found -> found != null && !found.sessions().isEmpty())
                            .map(found -> new ClusterView.Session(found.node(), found.sessions().get(0)))
                            .findFirst());
        });
    }

    /** Closes every socket of the user with {@code code}; {@code reason} reaches the clients. */
    public CompletionStage<ClusterView.Action> disconnectUser(long userId, CloseCode code, String reason) {
        return sessionsOf(userId).thenCompose(sessions -> admins().thenCompose(admins -> {
            Map<String, CompletableFuture<AdminProtocol.Acted>> asked = new LinkedHashMap<>();
            for (UserProtocol.NodeSessions onNode : sessions.nodes()) {
                String node = nodeOf(onNode.relay());
                ActorRef<AdminProtocol.Command> admin = admins.get(node);
                asked.put(node, admin == null ? CompletableFuture.failedFuture(new NoSuchNode(node))
                        : ask(admin, replyTo -> new AdminProtocol.Disconnect(onNode.sessions(), code.code(), reason,
                                replyTo)));
            }
            return actions(asked);
        }));
    }

    /** Sends op 7 to the clients of {@code node} (null: this node). */
    public CompletionStage<ClusterView.Action> reconnect(String node) {
        return onNode(node, AdminProtocol.Reconnect::new);
    }

    /** Starts the graceful leave of {@code node} (null: this node); its progress shows in its report. */
    public CompletionStage<ClusterView.Action> drain(String node) {
        return onNode(node, AdminProtocol.Drain::new);
    }

    private CompletionStage<ClusterView.Action> onNode(String node,
                                                       Function<ActorRef<AdminProtocol.Acted>, AdminProtocol.Command> action) {
        String target = node == null || node.isBlank() ? self : node.strip();
        return admins().thenCompose(admins -> {
            ActorRef<AdminProtocol.Command> admin = admins.get(target);
            if (admin == null) {
                return CompletableFuture.failedFuture(new NoSuchNode(target));
            }
            Map<String, CompletableFuture<AdminProtocol.Acted>> asked = new LinkedHashMap<>();
            asked.put(target, ask(admin, action));
            return actions(asked);
        });
    }

    private static CompletionStage<ClusterView.Action> actions(
            Map<String, CompletableFuture<AdminProtocol.Acted>> asked) {
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            List<AdminProtocol.Acted> acted = new ArrayList<>();
            List<String> unanswered = new ArrayList<>();
            int sessions = 0;
            for (Map.Entry<String, CompletableFuture<AdminProtocol.Acted>> node : asked.entrySet()) {
                if (node.getValue().isCompletedExceptionally()) {
                    unanswered.add(node.getKey());
                } else {
                    AdminProtocol.Acted answer = node.getValue().join();
                    acted.add(answer);
                    sessions += answer.sessions();
                }
            }
            return new ClusterView.Action(sessions, acted, unanswered);
        });
    }

    private CompletionStage<UserProtocol.Sessions> sessionsOf(long userId) {
        return ClusterSharding.get(system).entityRefFor(UserProtocol.TYPE_KEY, Long.toString(userId))
                .ask(UserProtocol.Describe::new, settings.askTimeout());
    }

    /** Every node's admin, by node name, as the receptionist lists them now. */
    private CompletionStage<Map<String, ActorRef<AdminProtocol.Command>>> admins() {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        replyTo -> Receptionist.find(AdminProtocol.SERVICE_KEY, replyTo), settings.askTimeout(),
                        system.scheduler())
                .thenApply(listing -> {
                    Map<String, ActorRef<AdminProtocol.Command>> admins = new TreeMap<>();
                    for (ActorRef<AdminProtocol.Command> admin : listing.getServiceInstances(AdminProtocol.SERVICE_KEY)) {
                        admins.put(nodeOf(admin), admin);
                    }
                    return admins;
                });
    }

    private <T> CompletableFuture<T> ask(ActorRef<AdminProtocol.Command> admin,
                                         Function<ActorRef<T>, AdminProtocol.Command> message) {
        return AskPattern.<AdminProtocol.Command, T>ask(admin, message::apply, settings.askTimeout(),
                system.scheduler()).toCompletableFuture();
    }

    /** The node an actor lives on; a local reference carries no host, so it is this node. */
    private String nodeOf(ActorRef<?> actor) {
        Address address = actor.path().address();
        return address.hasGlobalScope() ? nodeName(address) : self;
    }
}
