package one.derailed.gateway.core.ready;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.ready.ReadyProtocol.Command;
import one.derailed.gateway.core.ready.ReadyProtocol.MembersFound;
import one.derailed.gateway.core.ready.ReadyProtocol.Result;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ReadyWorker is a node's Ready desk ({@link ReadyProtocol}): it checks tokens against the users' password column
 * and reads what READY, renewals and member requests need. Reads block on JDBC, so they run on the store dispatcher,
 * at most {@code workers} at once (each holds one database connection); what waits for a worker sits in a bounded
 * queue here.
 *
 * <ul>
 *   <li>A full queue answers at once with {@link ReadyProtocol.Unavailable} (the client is told to try again, close
 *       4000), so an identify storm past the bound is answered rather than queued for ever.</li>
 *   <li>Every ask carries the deadline its asker waits until; an ask still queued at its deadline is dropped
 *       unread, since nobody waits for its answer.</li>
 *   <li>Token checks for RESUME and moves ({@link ReadyProtocol.Authenticate}) wait in a queue of their own, served
 *       first: an identify storm must not make resuming clients lose their sessions.</li>
 *   <li>A rejected token gets one reason whatever the cause ({@link ReadyProtocol.Rejected#REASON}): telling
 *       "unknown user" from "suspended" would tell a stranger which accounts exist.</li>
 *   <li>Long answers come in pages (memberships for READY, a guild's whole member list for op 8), so none outgrows
 *       the cluster's frame.</li>
 * </ul>
 * Sessions on any node reach the desk of every {@code ready} node through {@link ReadyProtocol#SERVICE_KEY}.
 */
public final class ReadyWorker extends AbstractMatchingBehavior<Command> {

    public static final String DISPATCHER = "derailed-store-dispatcher";

    /** A read finished on the store dispatcher: a worker is free. */
    private enum ReadDone implements Command, NoSerializationVerificationNeeded {
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
    public Behavior<Command> onMessage(Command command) {
        if (command == ReadDone.INSTANCE) {
            running--;
            metrics.readyQueue(0, -1);
        } else {
            ArrayDeque<Command> queue = command instanceof ReadyProtocol.Authenticate ? checks : loads;
            if (queue.size() >= capacity) {
                metrics.readyRefused();
                command.replyTo().tell(new ReadyProtocol.Unavailable(ReadyProtocol.Unavailable.BUSY));
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
                next.replyTo().tell(new ReadyProtocol.Unavailable(ReadyProtocol.Unavailable.BUSY));
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
                result = new ReadyProtocol.Unavailable("the gateway could not read its database; try again");
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
            case ReadyProtocol.Load load -> build(load);
            case ReadyProtocol.LoadMemberships page -> page(store.membershipsPage(page.userId(), page.shardId(),
                    page.shardCount(), page.afterGuildId(), page.pageSize() + 1), page.pageSize());
            case ReadyProtocol.Authenticate check -> authenticate(check.token());
            case ReadyProtocol.LoadMember load -> new MembersFound(
                    store.findMember(load.guildId(), load.userId()).map(List::of).orElse(List.of()), false);
            case ReadyProtocol.FindMembers find -> findMembers(find);
            default -> throw new IllegalStateException("not a read: " + command);
        };
    }

    private Result authenticate(String token) {
        return switch (store.authenticate(token)) {
            case Authentication.Authenticated ok -> new ReadyProtocol.Authenticated(ok.user().id());
            case Authentication.Rejected rejected -> rejected(rejected);
        };
    }

    private Result build(ReadyProtocol.Load load) {
        Authentication authentication = store.authenticate(load.token());
        if (authentication instanceof Authentication.Rejected rejected) {
            return rejected(rejected);
        }
        UserRecord user = ((Authentication.Authenticated) authentication).user();
        MembersFound first = page(store.membershipsPage(user.id(), load.shardId(), load.shardCount(), 0,
                load.pageSize() + 1), load.pageSize());
        return new ReadyProtocol.Loaded(user, first.members(), first.more(), store.statusOf(user.id()));
    }

    private Result findMembers(ReadyProtocol.FindMembers find) {
        if (find.userIds() != null) {
            return new MembersFound(store.findMembers(find.guildId(), find.userIds()), false);
        }
        if (find.query().isEmpty()) {
            MembersFound page = page(store.membersAfter(find.guildId(), find.afterUserId(), find.pageSize() + 1),
                    find.pageSize());
            return find.afterUserId() != 0 ? page
                    : new MembersFound(page.members(), page.more(), store.countMembers(find.guildId()));
        }
        return new MembersFound(store.searchMembers(find.guildId(), find.query(), find.limit()), false);
    }

    /** A page read with one row more than asked for, which tells whether another page follows. */
    private static MembersFound page(List<MemberRecord> readOneMore, int pageSize) {
        boolean more = readOneMore.size() > pageSize;
        return new MembersFound(more ? List.copyOf(readOneMore.subList(0, pageSize)) : readOneMore, more);
    }

    /** The cause is logged here, never sent: the client hears {@link ReadyProtocol.Rejected#REASON} whatever it was. */
    private static Result rejected(Authentication.Rejected rejected) {
        LOG.debug("token rejected: {}", rejected.reason());
        return new ReadyProtocol.Rejected(ReadyProtocol.Rejected.REASON);
    }
}
