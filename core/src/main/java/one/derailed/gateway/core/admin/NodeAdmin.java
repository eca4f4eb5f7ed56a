package one.derailed.gateway.core.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.session.SessionDescription;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.store.GatewayStore;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NodeAdmin is a node's answer to the admin page and API ({@link AdminProtocol}), one per node, registered with the
 * receptionist: it reports this node's figures, its largest guilds ({@link GuildCensus}) and its rates over the last
 * minutes ({@link RateHistory}, sampled every {@code admin.sample-interval}), describes its sessions, and acts on
 * them (a disconnect with a chosen code, op 7) or on the node (a drain). It reads the node's registry and directory and
 * tells sessions; it never waits on anything itself: a session's description is asked with a deadline and answered
 * from a future.
 */
public final class NodeAdmin extends AbstractMatchingBehavior<AdminProtocol.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAdmin.class);

    /** What a node admin reads and acts on. */
    public record Services(String node, GatewaySettings settings, SessionDirectory directory, GatewayMetrics metrics,
                           GuildCensus census) {}

    private enum SampleNow implements AdminProtocol.Command, NoSerializationVerificationNeeded { INSTANCE }

    /**
     * Starts the node's admin, registers it with the receptionist and the cluster's own figures with the node's
     * metrics ({@code derailed_cluster_members}, {@code derailed_cluster_unreachable_members}), and returns what the
     * admin page asks on this node.
     */
    public static ClusterAdmin start(ActorSystem<?> system, Services services, GatewayStore store,
                                     Executor storeExecutor) {
        ActorRef<AdminProtocol.Command> admin = system.systemActorOf(create(services), "admin", Props.empty());
        system.receptionist().tell(Receptionist.register(AdminProtocol.SERVICE_KEY, admin));
        Cluster cluster = Cluster.get(system);
        services.metrics().gauge("derailed.cluster.members", "members of the cluster this node sees up", cluster,
                c -> java.util.stream.StreamSupport.stream(c.state().getMembers().spliterator(), false)
                        .filter(m -> m.status() == MemberStatus.up()).count());
        services.metrics().gauge("derailed.cluster.unreachable.members",
                "members this node's failure detector cannot reach", cluster, c -> c.state().getUnreachable().size());
        return new ClusterAdmin(system, services.settings().admin(), store, storeExecutor);
    }

    public static Behavior<AdminProtocol.Command> create(Services services) {
        return Behaviors.supervise(Behaviors.<AdminProtocol.Command>setup(context -> Behaviors.withTimers(timers -> {
            long interval = services.settings().admin().sampleInterval().toMillis();
            long untilBoundary = interval - System.currentTimeMillis() % interval;
            timers.startTimerAtFixedRate(SampleNow.INSTANCE, SampleNow.INSTANCE, Duration.ofMillis(untilBoundary),
                    Duration.ofMillis(interval));
            NodeAdmin admin = new NodeAdmin(context, services, DrainProgress.follow(context.getSystem()));
            admin.sample();
            return admin;
        }))).onFailure(SupervisorStrategy.resume());
    }

    private final Services services;
    private final GatewaySettings.Admin settings;
    private final DrainProgress drain;
    private final RateHistory history;
    /** How long a session has to describe itself: half the page's wait, so this node answers within it. */
    private final Duration sessionTimeout;

    private NodeAdmin(ActorContext<AdminProtocol.Command> context, Services services, DrainProgress drain) {
        super(context);
        this.services = services;
        this.settings = services.settings().admin();
        this.drain = drain;
        this.history = new RateHistory(settings.sampleInterval().toMillis(), settings.samples());
        this.sessionTimeout = settings.askTimeout().dividedBy(2);
    }

    @Override
    public Behavior<AdminProtocol.Command> onMessage(AdminProtocol.Command command) {
        switch (command) {
            case AdminProtocol.GetReport get -> get.replyTo().tell(report());
            case AdminProtocol.DescribeSessions describe -> describe(describe.sessions(), describe.replyTo());
            case AdminProtocol.FindSession find -> {
                ActorRef<SessionProtocol.Command> session = services.directory().bySessionId(find.sessionId());
                if (session == null) {
                    find.replyTo().tell(new AdminProtocol.Described(services.node(), List.of(), 0, 0));
                } else {
                    describe(List.of(session), 0, find.replyTo());
                }
            }
            case AdminProtocol.Disconnect disconnect -> disconnect(disconnect);
            case AdminProtocol.Reconnect reconnect -> {
                int[] told = {0};
                services.directory().forEach(session -> {
                    session.tell(SessionProtocol.Reconnect.INSTANCE);
                    told[0]++;
                });
                LOG.info("an operator sent op 7 to the clients of {} sessions", told[0]);
                reconnect.replyTo().tell(new AdminProtocol.Acted(services.node(), told[0], "op 7 sent"));
            }
            case AdminProtocol.Drain start -> startDrain(start);
            case SampleNow now -> sample();
            default -> LOG.debug("admin: unknown message {}", command.getClass().getName());
        }
        return this;
    }

    private AdminProtocol.NodeReport report() {
        var registry = services.metrics().registry();
        Runtime runtime = Runtime.getRuntime();
        List<AdminProtocol.TopGuild> top = services.census().top(settings.topGuilds()).stream()
                .map(g -> new AdminProtocol.TopGuild(g.guildId(), g.name(), g.online(), g.members()))
                .toList();
        return new AdminProtocol.NodeReport(services.node(), List.copyOf(services.settings().roles()),
                getContext().getSystem().uptime(), services.directory().size(),
                (int) Meters.gauge(registry, "derailed.sockets", -1),
                (int) Meters.gauge(registry, "derailed.guilds.live", 0),
                (int) Meters.gauge(registry, "derailed.users.live", 0),
                services.settings().relayLanes().count(), services.metrics().clientBytes().total(),
                services.metrics().clientBytes().limit(), runtime.totalMemory() - runtime.freeMemory(),
                runtime.maxMemory(), drain.snapshot(), top, history.intervalMillis(), history.samples());
    }

    private void sample() {
        var registry = services.metrics().registry();
        history.record(System.currentTimeMillis(), new RateHistory.Totals(
                Meters.counted(registry, "derailed.events.published"),
                Meters.counted(registry, "derailed.events.delivered"),
                Meters.counted(registry, "derailed.sessions.invalid"),
                Meters.countedBy(registry, "derailed.closes", "code")));
    }

    /** Describes at most {@code admin.described-sessions} of these sessions; the others are only counted. */
    private void describe(long[] numbers, ActorRef<AdminProtocol.Described> replyTo) {
        List<ActorRef<SessionProtocol.Command>> found = new ArrayList<>();
        int ended = 0;
        for (long number : numbers) {
            ActorRef<SessionProtocol.Command> session = services.directory().byNumber(number);
            if (session == null) {
                ended++;
            } else if (found.size() < settings.describedSessions()) {
                found.add(session);
            }
        }
        describe(found, ended, replyTo);
    }

    private void describe(List<ActorRef<SessionProtocol.Command>> sessions, int ended,
                          ActorRef<AdminProtocol.Described> replyTo) {
        List<CompletableFuture<SessionDescription>> asked = sessions.stream()
                .map(session -> ask(session).toCompletableFuture().exceptionally(failure -> null))
                .toList();
        CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenRun(() -> {
            List<SessionDescription> described = asked.stream().map(CompletableFuture::join)
                    .filter(Objects::nonNull).toList();
            replyTo.tell(new AdminProtocol.Described(services.node(), described,
                    sessions.size() - described.size(), ended));
        });
    }

    private CompletionStage<SessionDescription> ask(ActorRef<SessionProtocol.Command> session) {
        return AskPattern.ask(session, SessionProtocol.Describe::new, sessionTimeout,
                getContext().getSystem().scheduler());
    }

    private void disconnect(AdminProtocol.Disconnect disconnect) {
        CloseCode code = CloseCode.of(disconnect.code()).orElse(null);
        if (code == null) {
            disconnect.replyTo().tell(new AdminProtocol.Acted(services.node(), 0,
                    disconnect.code() + " is not a gateway close code"));
            return;
        }
        int told = 0;
        for (long number : disconnect.sessions()) {
            ActorRef<SessionProtocol.Command> session = services.directory().byNumber(number);
            if (session != null) {
                session.tell(new SessionProtocol.Disconnect(code, disconnect.reason()));
                told++;
            }
        }
        disconnect.replyTo().tell(new AdminProtocol.Acted(services.node(), told, "closed with " + code.code()));
    }

    /**
     * Starts the node's graceful leave, answering first: the same sequence as SIGTERM (the gateway's steps in
     * CoordinatedShutdown); {@code derailed run} exits once the actor system has stopped.
     */
    private void startDrain(AdminProtocol.Drain start) {
        if (drain.snapshot() != null) {
            start.replyTo().tell(new AdminProtocol.Acted(services.node(), services.directory().size(),
                    "already leaving"));
            return;
        }
        LOG.info("an operator drains this node: it leaves the cluster");
        start.replyTo().tell(new AdminProtocol.Acted(services.node(), services.directory().size(), "leaving"));
        CoordinatedShutdown.get(getContext().getSystem()).runAll(DrainProgress.OPERATOR_DRAIN);
    }
}
