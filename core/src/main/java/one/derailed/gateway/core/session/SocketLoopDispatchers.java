package one.derailed.gateway.core.session;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.Dispatchers;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;

/**
 * SocketLoopDispatchers runs a session on its socket's event loop: one Pekko dispatcher per event loop, whose executor
 * is the loop itself, registered the first time a socket of that loop identifies. What the session writes is then an
 * in-loop write (straight into the pipeline, no task, no cross-thread wake-up), and the deliveries a relay lane hands
 * a loop's sessions for one event run in one wake-up of that loop.
 *
 * <p>Pekko still runs each session's mailbox one message at a time and never two at once, whatever the executor, so a
 * session's state stays its own. A loop that has shut down (the edge stopping before the actor system) no longer
 * takes tasks: the sessions still on it then run on Pekko's default dispatcher, so they can still stop.
 */
public final class SocketLoopDispatchers {
    /** Messages a session handles per turn on its loop before the loop serves its sockets again. */
    private static final int THROUGHPUT = 16;

    private final Dispatchers dispatchers;
    private final Executor fallback;
    private final boolean enabled;
    /** Per event loop, the id of its dispatcher. */
    private final ConcurrentHashMap<Executor, String> byLoop = new ConcurrentHashMap<>();
    private final AtomicInteger registered = new AtomicInteger();

    public SocketLoopDispatchers(ActorSystem<?> system, boolean enabled) {
        this.dispatchers = Adapter.toClassic(system).dispatchers();
        this.fallback = system.executionContext();
        this.enabled = enabled;
    }

    /**
     * {@code props} (the session's mailbox) placing a session on {@code connection}'s event loop; as they are (Pekko's
     * default dispatcher) where it has none.
     */
    public Props forConnection(Connection connection, Props props) {
        Executor loop = connection == null ? null : connection.executor();
        if (!enabled || loop == null) {
            return props;
        }
        return props.withDispatcherFromConfig(byLoop.computeIfAbsent(loop, this::register));
    }

    private String register(Executor loop) {
        String id = "derailed-socket-loop-" + registered.incrementAndGet();
        Config config = ConfigFactory.parseString("id = \"" + id + "\"\nthroughput = " + THROUGHPUT)
                .withFallback(dispatchers.defaultDispatcherConfig());
        dispatchers.registerConfigurator(id, new LoopConfigurator(config, dispatchers.prerequisites(), id,
                new LoopExecutor(loop, fallback)));
        return id;
    }

    private static final class LoopConfigurator extends MessageDispatcherConfigurator {
        private final Dispatcher dispatcher;

        LoopConfigurator(Config config, DispatcherPrerequisites prerequisites, String id, LoopExecutor executor) {
            super(config, prerequisites);
            this.dispatcher = new Dispatcher(this, id, THROUGHPUT, Duration.Zero(),
                    (name, threadFactory) -> () -> executor, FiniteDuration.apply(1, TimeUnit.SECONDS));
        }

        @Override
        public MessageDispatcher dispatcher() {
            return dispatcher;
        }
    }

    /**
     * The loop as the {@link ExecutorService} a Pekko dispatcher wants. Pekko shuts a dispatcher's executor down when
     * it has had no actor for a while; the loop belongs to the edge, so that is ignored here.
     */
    static final class LoopExecutor extends AbstractExecutorService {
        private final Executor loop;
        private final Executor fallback;

        LoopExecutor(Executor loop, Executor fallback) {
            this.loop = loop;
            this.fallback = fallback;
        }

        @Override
        public void execute(Runnable task) {
            if (loop instanceof ExecutorService service && service.isShutdown()) {
                fallback.execute(task);
                return;
            }
            try {
                loop.execute(task);
            } catch (RejectedExecutionException stopped) {
                fallback.execute(task);
            }
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
