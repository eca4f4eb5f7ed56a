package one.derailed.gateway.core.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.admin.ClusterAdmin;
import one.derailed.gateway.core.admin.GuildCensus;
import one.derailed.gateway.core.admin.NodeAdmin;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.Guild;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.guild.GuildServices;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.core.ingress.ShardedEventIngress;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.ready.ReadyWorker;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionLauncher;
import one.derailed.gateway.core.session.SessionServices;
import one.derailed.gateway.core.user.User;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.store.Database;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * GatewayNode is one node of the gateway's actor side: the Pekko cluster member, the sharded Guild and User entities,
 * this node's relay and Ready workers, and what the socket and gRPC edges call into. With no seed nodes it forms a
 * cluster of its own.
 */
public final class GatewayNode implements AutoCloseable {
    /** The actor system's name: every node of one gateway cluster uses it. */
    public static final String SYSTEM_NAME = "derailed";
    private final GatewaySettings settings;
    private final Database database;
    private final ActorSystem<Void> system;
    private final SessionLauncher sessions;
    private final EventIngress ingress;
    private final GatewayMetrics metrics;
    private final ActorRef<ReadyProtocol.Command> readyWorkers;
    private final ClusterAdmin admin;
    /** Completes once a sessions node knows where every User shard lives (ShardHomes); at once on other nodes. */
    private final CompletableFuture<Void> userShardHomes;

    private GatewayNode(GatewaySettings settings, Database database, ActorSystem<Void> system,
                        SessionLauncher sessions, EventIngress ingress, GatewayMetrics metrics,
                        ActorRef<ReadyProtocol.Command> readyWorkers, ClusterAdmin admin,
                        CompletableFuture<Void> userShardHomes) {
        this.admin = admin;
        this.userShardHomes = userShardHomes;
        this.metrics = metrics;
        this.readyWorkers = readyWorkers;
        this.settings = settings;
        this.database = database;
        this.system = system;
        this.sessions = sessions;
        this.ingress = ingress;
    }

    /** The configuration a node runs with: {@code overrides}, then application.conf, then derailed.conf. */
    public static Config loadConfig(Config overrides) {
        Config config = overrides
                .withFallback(ConfigFactory.systemProperties())
                .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                .withFallback(ConfigFactory.parseResourcesAnySyntax("derailed"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        List<String> seeds = seedNodes(config.getString("derailed.cluster.seed-nodes"));
        return seeds.isEmpty() ? config
                : config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }

    /** {@code host:port,host:port} as Pekko addresses of the gateway's actor system. */
    static List<String> seedNodes(String hostPorts) {
        List<String> addresses = new ArrayList<>();
        for (String hostPort : hostPorts.split(",")) {
            if (!hostPort.isBlank()) {
                addresses.add("pekko://" + SYSTEM_NAME + "@" + hostPort.trim());
            }
        }
        return addresses;
    }

    /** Starts a node on an opened database. The node closes the database when it closes. */
    public static GatewayNode start(Config config, Database database) {
        GatewaySettings settings = GatewaySettings.from(config);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
        Cluster cluster = Cluster.get(system);
        if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        SessionDirectory directory = new SessionDirectory();
        GatewayMetrics metrics = new GatewayMetrics(ClientBytes.of(system));
        metrics.gauge("derailed.sessions", "sessions on this node, connected or awaiting RESUME", directory,
                SessionDirectory::size);
        ActorRef<RelayProtocol.Command> relay = system.systemActorOf(
                Relay.create(directory, metrics, settings.relayLanes()), "relay", Props.empty());
        Executor storeExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig(ReadyWorker.DISPATCHER));

        ClusterSharding sharding = ClusterSharding.get(system);
        GuildServices guildServices = new GuildServices(database.store(), storeExecutor,
                (userId, command) -> sharding.entityRefFor(UserProtocol.TYPE_KEY, Long.toString(userId)).tell(command),
                (guildId, command) -> NextIncarnation.tell(system, GuildProtocol.TYPE_KEY, "guilds", guildId, command),
                settings.guilds(), settings.limits(), metrics, new GuildCensus(settings.admin().trackedGuilds()));
        User.Services userServices = new User.Services(settings.sessions().startLimits(), settings.guilds(),
                (userId, command) -> NextIncarnation.tell(system, UserProtocol.TYPE_KEY, "users", userId, command),
                metrics);
        // Entities live on nodes with their role; elsewhere init starts a proxy that finds them. When Cluster
        // Sharding moves one, it tells it to hand off (rather than stop it outright), so it can pass on to its next
        // incarnation what that one's renewing sessions still need.
        sharding.init(Entity.of(GuildProtocol.TYPE_KEY, entity ->
                        Guild.create(Long.parseLong(entity.getEntityId()), entity.getShard(), guildServices))
                .withStopMessage(GuildProtocol.HandOff.INSTANCE)
                .withRole("guilds"));
        sharding.init(Entity.of(UserProtocol.TYPE_KEY, entity ->
                        User.create(Long.parseLong(entity.getEntityId()), entity.getShard(), userServices))
                .withStopMessage(UserProtocol.HandOff.INSTANCE)
                .withRole("users"));

        ActorRef<ReadyProtocol.Command> ready = startReady(system, settings, database, metrics);
        SessionServices sessionServices = new SessionServices(directory, ready, sharding, relay, settings.sessions(),
                settings.limits(), settings.webSocket().publicUrl(), settings.roles().contains("ready"), metrics);
        ClusterAdmin admin = NodeAdmin.start(system, new NodeAdmin.Services(
                ClusterAdmin.nodeName(cluster.selfMember().address()), settings, directory, metrics,
                guildServices.census()), database.store(), storeExecutor);
        return new GatewayNode(settings, database, system, new SessionLauncher(system, sessionServices,
                        settings.sessions().handoff()),
                new ShardedEventIngress(sharding, settings.ingress().askTimeout(),
                        settings.limits().maxEventBytes(), metrics), metrics, ready, admin,
                learnUserShardHomes(system, config, settings));
    }

    /**
     * A sessions node asks a user's entity at every IDENTIFY, so it learns where each User shard lives once it is
     * up and before it reports ready; a node without the role has nothing to learn.
     */
    private static CompletableFuture<Void> learnUserShardHomes(ActorSystem<Void> system, Config config,
                                                               GatewaySettings settings) {
        if (!settings.roles().contains("sessions")) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> learnt = new CompletableFuture<>();
        int shards = config.getInt("pekko.cluster.sharding.number-of-shards");
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> {
            long started = System.nanoTime();
            ShardHomes.learn(system, UserProtocol.TYPE_KEY.name(), shards, settings.sessions().readyTimeout())
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            learnt.completeExceptionally(failure);
                            return;
                        }
                        LOG.info("the homes of all {} User shards are known after {} ms: ready", shards,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        learnt.complete(null);
                    });
        });
        return learnt;
    }

    /**
     * This node is about to leave: its Ready workers stop taking work from other nodes now, while they still run, so
     * that no node's router picks them after they are gone (the listing changes a gossip round later; the leave's
     * op 7 and session moves take longer than that).
     */
    public void withdraw() {
        if (settings.roles().contains("ready")) {
            system.receptionist().tell(Receptionist.deregister(ReadyProtocol.SERVICE_KEY, readyWorkers));
        }
    }

    /**
     * A node with the ready role runs its own pool of workers and uses it directly; a node without it reaches the
     * workers of the ready nodes through the receptionist.
     */
    private static ActorRef<ReadyProtocol.Command> startReady(ActorSystem<Void> system, GatewaySettings settings,
                                                              Database database, GatewayMetrics metrics) {
        if (!settings.roles().contains("ready")) {
            return system.systemActorOf(Routers.group(ReadyProtocol.SERVICE_KEY), "ready", Props.empty());
        }
        ActorRef<ReadyProtocol.Command> pool = system.systemActorOf(
                ReadyWorker.create(database.store(), settings.ready(), metrics), "ready", Props.empty());
        system.receptionist().tell(Receptionist.register(ReadyProtocol.SERVICE_KEY, pool));
        return pool;
    }

    public GatewaySettings settings() {
        return settings;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public SessionLauncher sessions() {
        return sessions;
    }

    /** The user's session start budget, counted by their User entity wherever it lives. */
    public java.util.concurrent.CompletionStage<UserProtocol.StartLimit> sessionStartLimit(long userId) {
        return ClusterSharding.get(system).entityRefFor(UserProtocol.TYPE_KEY, Long.toString(userId))
                .ask(UserProtocol.GetStartLimit::new, settings.ingress().askTimeout());
    }

    /** The admin page's and API's view of the cluster and its actions, asked from this node. */
    public ClusterAdmin admin() {
        return admin;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public EventIngress ingress() {
        return ingress;
    }

    public Database database() {
        return database;
    }

    /**
     * Whether the node takes clients and calls ({@code /readyz}): it has joined its cluster, and a sessions node
     * knows where every User shard lives.
     */
    public boolean isReady() {
        return Cluster.get(system).selfMember().status() == org.apache.pekko.cluster.MemberStatus.up()
                && userShardHomes.isDone() && !userShardHomes.isCompletedExceptionally();
    }

    /**
     * Leaves gracefully: runs Pekko's CoordinatedShutdown (with whatever steps the node's edges added to it), waits
     * for the actor system to stop, then closes the database. Running it again, or while the JVM's hook runs it, waits
     * for the same sequence.
     */
    @Override
    public void close() {
        try {
            CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
                    .toCompletableFuture().get(SHUTDOWN_BOUND_SECONDS, TimeUnit.SECONDS);
            system.getWhenTerminated().toCompletableFuture().get(SHUTDOWN_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("the node did not shut down cleanly: {}", e.toString());
            system.terminate();
        } finally {
            database.close();
            metrics.close();
        }
    }

    /** The longest a shutdown may take: the phases' timeouts in derailed.conf add up to less. */
    private static final long SHUTDOWN_BOUND_SECONDS = 90;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayNode.class);

}
