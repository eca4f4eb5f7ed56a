package one.derailed.gateway.core.session;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import one.derailed.gateway.core.collections.ConcurrentLongObjectMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * SessionDirectory finds this node's live sessions: by the number guilds and users address them with (so a fan-out
 * carries 8 bytes per recipient), and by the session_id clients resume with. Sessions add themselves when they start
 * and remove themselves when they stop. The relay looks up every recipient of every event by number, so that map has
 * {@code long} keys (no boxed key per lookup) and lock-free reads.
 */
public final class SessionDirectory {
    private final ConcurrentLongObjectMap<SessionPort> byNumber = new ConcurrentLongObjectMap<>();
    private final ConcurrentHashMap<String, ActorRef<SessionProtocol.Command>> byId = new ConcurrentHashMap<>();
    /** Session ids that moved off this node, each with when it is forgotten ({@link System#nanoTime()}), oldest
     *  first; guarded by itself. Bounded by the moves of one window (a node's sessions, as it leaves). */
    private final java.util.LinkedHashMap<String, Long> movedAway = new java.util.LinkedHashMap<>();
    private final AtomicLong numbers = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    /** A fresh identity for a new session on this node. */
    public SessionIdentity newIdentity() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new SessionIdentity(numbers.incrementAndGet(), HexFormat.of().formatHex(id));
    }

    /** A new number on this node for a session that moved here and keeps the session_id its client knows. */
    public SessionIdentity adoptedIdentity(String sessionId) {
        return new SessionIdentity(numbers.incrementAndGet(), sessionId);
    }

    /**
     * Lists a session that moved here under its session_id as soon as it is spawned. It adds itself in full when it
     * starts, on its own dispatcher: a resume or a claim in between must find it, not hear that no such session is
     * anywhere (its old node has let it go). A session that moved off this node before and now comes back is no longer
     * moving away from it: if it ends here, a claim for it is told at once that it is not here.
     */
    void listMovedIn(String sessionId, ActorRef<SessionProtocol.Command> session) {
        byId.putIfAbsent(sessionId, session);
        synchronized (movedAway) {
            movedAway.remove(sessionId);
        }
    }

    /** A session reached through its mailbox only (a stand-in, or one on no event loop). */
    void add(SessionIdentity identity, ActorRef<SessionProtocol.Command> session) {
        add(identity, new SessionPort(session, null, null));
    }

    void add(SessionIdentity identity, SessionPort port) {
        byNumber.put(identity.number(), port);
        byId.put(identity.sessionId(), port.session());
    }

    void remove(SessionIdentity identity) {
        byNumber.remove(identity.number());
        byId.remove(identity.sessionId());
    }

    /**
     * Remembers for {@code memory} that the session {@code sessionId} moved off this node: a claim for it in that time
     * is told it is moving (claim again) rather than that it is not here, because the node it moved to may not have
     * heard of it yet when the same claim reached it.
     */
    void movedAway(String sessionId, java.time.Duration memory) {
        long now = System.nanoTime();
        synchronized (movedAway) {
            var oldest = movedAway.values().iterator();
            while (oldest.hasNext() && oldest.next() - now <= 0) {
                oldest.remove();
            }
            movedAway.remove(sessionId);
            movedAway.put(sessionId, now + memory.toNanos());
        }
    }

    /** Whether the session {@code sessionId} moved off this node within the memory it was remembered for. */
    boolean movedAwayRecently(String sessionId) {
        synchronized (movedAway) {
            Long forgetAt = movedAway.get(sessionId);
            return forgetAt != null && forgetAt - System.nanoTime() > 0;
        }
    }

    public ActorRef<SessionProtocol.Command> byNumber(long number) {
        SessionPort port = byNumber.get(number);
        return port == null ? null : port.session();
    }

    /** How the relay reaches the session numbered {@code number}, or null when it has ended. */
    public SessionPort port(long number) {
        return byNumber.get(number);
    }

    public ActorRef<SessionProtocol.Command> bySessionId(String sessionId) {
        return byId.get(sessionId);
    }

    /** Calls {@code action} with each live session on this node. */
    public void forEach(java.util.function.Consumer<ActorRef<SessionProtocol.Command>> action) {
        byId.values().forEach(action);
    }

    /** The numbers of this node's live sessions, at one moment. */
    public long[] numbers() {
        return byNumber.keys();
    }

    public int size() {
        return byNumber.size();
    }

    /** SessionIdentity names a session: {@code number} inside the cluster, {@code sessionId} to its client. */
    public record SessionIdentity(long number, String sessionId) {}
}
