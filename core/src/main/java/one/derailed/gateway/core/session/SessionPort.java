package one.derailed.gateway.core.session;

import java.util.concurrent.Executor;
import one.derailed.gateway.core.overload.ClientBytes;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorRefWithCell;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SessionPort is how the node's relay reaches one session: the session's actor, and the event loop it runs on
 * ({@link SocketLoopDispatchers}), if any. A relay hands a loop all of one event's recipients there in one task
 * ({@link Handout}), and on that loop the port gives each its message.
 *
 * <p>A dispatch to a live session whose mailbox is empty goes straight out from that task: it is numbered, kept in
 * the replay buffer and written, exactly as the session's actor would have done it (the same {@link SessionState}
 * code, on the same thread as the actor, so never at the same time). Anything else, and a dispatch to a session that
 * still has messages waiting (or has failed and waits for its supervisor), goes to the actor's mailbox, behind what
 * is there: whatever the relay handed the session earlier (a GUILD_CREATE, a GUILD_DELETE) is either done or ahead of
 * it in the mailbox, so nothing a guild sent is overtaken. A port without a loop hands everything to the actor.
 */
public final class SessionPort {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPort.class);

    private final ActorRef<SessionProtocol.Command> session;
    private final Executor loop;
    private final SessionState state;
    /** The actor's ref with its cell, whose mailbox tells whether anything is waiting; null when it has none. */
    private final ActorRefWithCell withCell;
    /**
     * The actor's mailbox, once its cell is known; read and written on {@link #loop()} only. A fan-out checks a
     * million of these, and reaching one through the ref and the cell costs two more cache misses per recipient
     * (docs/benchmarks.md, "A million members in one guild"). A cell keeps its mailbox until the actor ends; then it
     * swaps in dead letters' and closes its own in one step of the actor's thread, which is this loop (the port writes
     * nothing straight out once the loop has stopped), so by the next hand-out the kept one reads as closed.
     */
    private Mailbox mailbox;

    SessionPort(ActorRef<SessionProtocol.Command> session, Executor loop, SessionState state) {
        this.session = session;
        this.state = state;
        this.withCell = loop != null && state != null && Adapter.toClassic(session) instanceof ActorRefWithCell ref
                ? ref : null;
        this.loop = withCell == null ? null : loop;
    }

    public ActorRef<SessionProtocol.Command> session() {
        return session;
    }

    /** The event loop the session's actor runs on, or null when it runs on Pekko's dispatcher. */
    public Executor loop() {
        return loop;
    }

    /** The node's account of client bytes, which a hand-out waiting for this port's loop counts into. */
    ClientBytes clientBytes() {
        return state.services.metrics().clientBytes();
    }

    /**
     * Gives the session {@code message}; called on {@link #loop()} only. A failure in the direct path ends the
     * session (its client identifies anew) rather than leave it with a gap.
     */
    public void hand(SessionProtocol.Command message) {
        if (message instanceof Delivery.Dispatch dispatch && state.live && state.connection != null
                && !loopStopped() && nothingWaiting()) {
            try {
                state.dispatch(dispatch.event(), dispatch.data());
            } catch (RuntimeException failure) {
                state.live = false;
                LOG.error("session {}: a dispatch failed; the session ends", state.sessionId(), failure);
                session.tell(new Delivery.Lost("the gateway could not deliver an event to this session"));
            }
            return;
        }
        session.tell(message);
    }

    /**
     * Whether this port's loop has shut down. It still runs the tasks it had queued then, but the session's actor now
     * runs on Pekko's dispatcher ({@link SocketLoopDispatchers}), on another thread: a dispatch written from here could
     * touch the session's state at the same time, so it goes to the mailbox. Before that, the actor runs only on this
     * loop; and the loop's shutdown is a step of its own thread, so it cannot come in the middle of this task.
     */
    private boolean loopStopped() {
        return loop instanceof java.util.concurrent.ExecutorService service && service.isShutdown();
    }

    /**
     * Whether the actor has nothing to do before this dispatch: no message and no system message waiting, and it is
     * neither suspended (it failed and waits for its supervisor) nor closed. Read each time: a session spawned from
     * outside an actor starts behind a stand-in cell that Pekko swaps for the real one; until it has, the mailbox is
     * not known, and nothing goes straight out.
     */
    private boolean nothingWaiting() {
        Mailbox mailbox = this.mailbox;
        if (mailbox == null) {
            if (!(withCell.underlying() instanceof ActorCell cell)) {
                return false;
            }
            mailbox = cell.mailbox();
            this.mailbox = mailbox;
        }
        return !mailbox.hasMessages() && mailbox.systemQueueGet() == null && !mailbox.isSuspended()
                && !mailbox.isClosed();
    }
}
