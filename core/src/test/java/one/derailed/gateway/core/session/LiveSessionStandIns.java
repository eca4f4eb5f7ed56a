package one.derailed.gateway.core.session;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * LiveSessionStandIns lets benchmarks outside this package spawn sessions that take the delivery path a live session
 * of a socket takes: each has a real {@link SessionState} (numbering, replay buffer, its {@link SessionPort} on its
 * socket's loop) and runs on that loop ({@link SocketLoopDispatchers}), so a relay's hand-out writes its dispatches
 * straight from the loop's task. What stands in is the socket ({@link CountingSocket}: it counts the frames it is
 * given) and the phases before Live: no identify, no store, no guild subscription of its own.
 */
public final class LiveSessionStandIns {
    private LiveSessionStandIns() {}

    /**
     * Spawns a live session numbered {@code number} on {@code socket}'s loop, in {@code services}' directory, from
     * {@code context} (an actor's); it is listed there once it has started on its loop.
     */
    public static ActorRef<SessionProtocol.Command> spawn(ActorContext<?> context, SocketLoopDispatchers loops,
                                                          SessionServices services, long number, CountingSocket socket) {
        SessionDirectory.SessionIdentity identity = new SessionDirectory.SessionIdentity(number, "bench-" + number);
        return context.spawn(live(services, identity, socket), "s" + number,
                loops.forConnection(socket, SessionLauncher.MAILBOX));
    }

    private static Behavior<SessionProtocol.Command> live(SessionServices services,
                                                          SessionDirectory.SessionIdentity identity,
                                                          CountingSocket socket) {
        return Behaviors.withTimers(timers -> Behaviors.setup(context -> {
            SessionState state = new SessionState(context, timers, services, identity, socket);
            state.live = true;
            return Behaviors.receiveMessage(message -> {
                // What the port could not write straight out (the mailbox was not empty) comes here, as in Live.
                if (message instanceof Delivery.Dispatch dispatch) {
                    socket.throughMailbox.increment();
                    state.dispatch(dispatch.event(), dispatch.data());
                }
                return Behaviors.same();
            });
        }));
    }

    /** A socket of one loop that counts the frames written to it, for all the sessions that share it. */
    public static final class CountingSocket implements Connection {
        private final Executor loop;
        private final LongAdder frames = new LongAdder();
        private final LongAdder throughMailbox = new LongAdder();

        public CountingSocket(Executor loop) {
            this.loop = loop;
        }

        /** Frames written to this socket since the last {@link #reset()}. */
        public long frames() {
            return frames.sum();
        }

        /** Of those, the dispatches that went through the session's mailbox rather than straight from a hand-out. */
        public long throughMailbox() {
            return throughMailbox.sum();
        }

        public void reset() {
            frames.reset();
            throughMailbox.reset();
        }

        @Override
        public void send(EncodedFrame frame) {
            frames.increment();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void attach(ActorRef<SessionProtocol.Command> session) {}

        @Override
        public void close(CloseCode code, String reason) {}

        @Override
        public Executor executor() {
            return loop;
        }
    }
}
