package one.derailed.gateway.core.ready;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * ReadyWorker is a node's Ready desk: it checks tokens against the users' password column and loads what READY and
 * member requests need. Reads block on JDBC, so they run on the store dispatcher, at most {@code workers} at once
 * (each holds one database connection); what waits for a worker sits in a bounded queue here.
 *
 * <ul>
 *   <li>A full queue answers at once with {@link Unavailable} (the client is told to try again, close 4000), so an
 *       identify storm past the bound is answered rather than queued for ever.</li>
 *   <li>Every ask carries the deadline its asker waits until; an ask still queued at its deadline is dropped
 *       unread, since nobody waits for its answer.</li>
 *   <li>Token checks for RESUME ({@link Authenticate}) wait in a queue of their own, served first: an identify storm
 *       must not make resuming clients lose their sessions.</li>
 *   <li>A rejected token gets one reason whatever the cause ({@link Rejected#REASON}): telling "unknown user" from
 *       "suspended" would tell a stranger which accounts exist.</li>
 * </ul>
 * Sessions on any node reach the desk of every {@code ready} node through {@link #SERVICE_KEY}.
 */
public final class ReadyWorker extends AbstractBehavior<ReadyWorker.Command> {

    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "ready");
    public static final String DISPATCHER = "derailed-store-dispatcher";

    /** An ask to the desk: answered to {@link #replyTo()} unless it is still queued at {@link #deadlineMillis()}. */
    public sealed interface Command extends CborSerializable {
        /** Epoch milliseconds after which nobody waits for the answer (clocks of one cluster agree closely). */
        long deadlineMillis();

        ActorRef<Result> replyTo();
    }

    /** The deadline of an ask made now that waits {@code timeout} for its answer. */
    public static long deadlineIn(Duration timeout) {
        return System.currentTimeMillis() + timeout.toMillis();
    }

    public record Load(String token, long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    /** One member of a guild, for a session whose user just joined it. */
    public record LoadMember(long guildId, long userId, long deadlineMillis, ActorRef<Result> replyTo)
            implements Command {}

    /** Members by username/nick prefix, at most {@code limit} (0: all), or by ids (op 8). */
    public record FindMembers(long guildId, String query, long[] userIds, int limit, long deadlineMillis,
                              ActorRef<Result> replyTo) implements Command {}

    /** How many members a guild has (the size of a whole member list, before it is paged). */
    public record CountMembers(long guildId, long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    /** One page of a guild's whole member list: at most {@code limit} members with a user id above {@code after}. */
    public record MembersPage(long guildId, long after, int limit, long deadlineMillis, ActorRef<Result> replyTo)
            implements Command {}

    /** Only checks the token (for RESUME): answers Authenticated, Rejected or Unavailable. */
    public record Authenticate(String token, long deadlineMillis, ActorRef<Result> replyTo) implements Command {}

    public sealed interface Result extends CborSerializable {}

    /** The user, every guild membership with the user's member object, and their saved status. */
    public record Loaded(UserRecord user, List<MemberRecord> memberships, String status) implements Result {}

    /** The token is valid and belongs to {@code userId}. */
    public record Authenticated(long userId) implements Result {}

    /** The token did not authenticate; {@code reason} is the same for every cause and safe to show the client. */
    public record Rejected(String reason) implements Result {
        public static final String REASON = "authentication failed";
    }

    /** Members found; for a lookup by ids, the ids not found are simply absent. */
    public record MembersFound(List<MemberRecord> members) implements Result {}

    public record MemberCount(int count) implements Result {}

    /** The store could not answer, or the desk is full; the client should try again. */
    public record Unavailable(String reason) implements Result {
        public static final String BUSY = "the gateway is busy identifying: try again in a few seconds";
    }

    /** A read finished on the store dispatcher: a worker is free. */
    private enum ReadDone implements Command {
        INSTANCE;

        @Override
        public long deadlineMillis() {
            return Long.MAX_VALUE;
        }

        @Override
        public ActorRef<Result> replyTo() {
            return null;
        }
    }

    /**
     * The desk of a {@code ready} node: {@code settings.workers()} reads at once on the store dispatcher, at most
     * {@code settings.queueCapacity()} asks waiting in each of its two queues.
     */
    public static Behavior<Command> create(GatewayStore store, GatewaySettings.Ready settings,
                                           GatewayMetrics metrics) {
        return Behaviors.<Command>supervise(Behaviors.setup(context -> new ReadyWorker(context, store,
                        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER)),
                        settings, metrics)))
                .onFailure(SupervisorStrategy.resume());
    }

    /** A desk whose reads run on {@code storeThreads} (tests hold them to see the queue). */
    static Behavior<Command> create(GatewayStore store, Executor storeThreads, GatewaySettings.Ready settings,
                                    GatewayMetrics metrics) {
        return Behaviors.setup(context -> new ReadyWorker(context, store, storeThreads, settings, metrics));
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadyWorker.class);

    private final GatewayStore store;
    private final Executor storeThreads;
    private final int workers;
    private final int capacity;
    private final GatewayMetrics metrics;
    private final ActorRef<Command> self;
    /** Token checks for RESUME and moves, served before everything else. */
    private final ArrayDeque<Command> checks = new ArrayDeque<>();
    private final ArrayDeque<Command> loads = new ArrayDeque<>();
    private int running;

    private ReadyWorker(ActorContext<Command> context, GatewayStore store, Executor storeThreads,
                        GatewaySettings.Ready settings, GatewayMetrics metrics) {
        super(context);
        this.store = store;
        this.storeThreads = storeThreads;
        this.workers = Math.max(1, settings.workers());
        this.capacity = Math.max(1, settings.queueCapacity());
        this.metrics = metrics;
        this.self = context.getSelf();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::onCommand)
                .build();
    }

    private Behavior<Command> onCommand(Command command) {
        if (command == ReadDone.INSTANCE) {
            running--;
            metrics.readyQueue(0, -1);
        } else {
            ArrayDeque<Command> queue = command instanceof Authenticate ? checks : loads;
            if (queue.size() >= capacity) {
                metrics.readyRefused();
                command.replyTo().tell(new Unavailable(Unavailable.BUSY));
                return this;
            }
            queue.addLast(command);
            metrics.readyQueue(1, 0);
        }
        startReads();
        return this;
    }

    /** Hands queued asks to free workers, oldest first, dropping those whose asker stopped waiting. */
    private void startReads() {
        long now = System.currentTimeMillis();
        while (running < workers) {
            Command next = !checks.isEmpty() ? checks.pollFirst() : loads.pollFirst();
            if (next == null) {
                return;
            }
            metrics.readyQueue(-1, 0);
            if (next.deadlineMillis() <= now) {
                metrics.readyExpired();
                continue;
            }
            running++;
            metrics.readyQueue(0, 1);
            try {
                storeThreads.execute(() -> read(next));
            } catch (RejectedExecutionException stopping) {
                running--;
                metrics.readyQueue(0, -1);
                next.replyTo().tell(new Unavailable(Unavailable.BUSY));
            }
        }
    }

    /** On a store thread: one blocking read, answered straight to the asker; a store failure answers Unavailable. */
    private void read(Command command) {
        try {
            Result result;
            try {
                result = command.deadlineMillis() <= System.currentTimeMillis() ? null : answer(command);
            } catch (RuntimeException e) {
                LOG.warn("ready could not read the store", e);
                result = new Unavailable("the gateway could not read its database; try again");
            }
            if (result != null) {
                command.replyTo().tell(result);
            } else {
                metrics.readyExpired();
            }
        } finally {
            self.tell(ReadDone.INSTANCE);
        }
    }

    private Result answer(Command command) {
        return switch (command) {
            case Load load -> build(load.token());
            case Authenticate check -> authenticate(check.token());
            case LoadMember load -> found(() -> store.findMember(load.guildId(), load.userId())
                    .map(List::of).orElse(List.of()));
            case FindMembers find -> found(() -> find.userIds() != null
                    ? store.findMembers(find.guildId(), find.userIds())
                    : store.searchMembers(find.guildId(), find.query(), find.limit()));
            case CountMembers count -> new MemberCount(store.countMembers(count.guildId()));
            case MembersPage page -> found(() -> store.membersAfter(page.guildId(), page.after(), page.limit()));
            case ReadDone done -> throw new IllegalStateException("not a read");
        };
    }

    private static Result found(Supplier<List<MemberRecord>> read) {
        return new MembersFound(read.get());
    }

    private Result authenticate(String token) {
        return switch (store.authenticate(token)) {
            case Authentication.Authenticated ok -> new Authenticated(ok.user().id());
            case Authentication.Rejected rejected -> rejected(rejected);
        };
    }

    private Result build(String token) {
        Authentication authentication = store.authenticate(token);
        if (authentication instanceof Authentication.Rejected rejected) {
            return rejected(rejected);
        }
        UserRecord user = ((Authentication.Authenticated) authentication).user();
        return new Loaded(user, store.membershipsOf(user.id()), store.statusOf(user.id()));
    }

    /** The cause is logged here, never sent: the client hears {@link Rejected#REASON} whatever it was. */
    private static Result rejected(Authentication.Rejected rejected) {
        LOG.debug("token rejected: {}", rejected.reason());
        return new Rejected(Rejected.REASON);
    }
}
