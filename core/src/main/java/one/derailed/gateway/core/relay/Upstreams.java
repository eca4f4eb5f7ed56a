package one.derailed.gateway.core.relay;

import java.util.HashMap;
import java.util.Map;
import one.derailed.gateway.core.collections.LongIntMap;
import one.derailed.gateway.core.collections.LongObjectMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Upstreams is which of this node's sessions each guild and user entity serves, as the relay learns it from their
 * answers. An entity that stops without telling its sessions (its node crashed, or Cluster Sharding moved it) leaves
 * them subscribed to nothing; the relay watches each entity once, and on its end tells exactly those sessions to
 * renew their subscription with the entity's next incarnation.
 */
final class Upstreams {

    /** One watched entity incarnation and the local sessions it serves. */
    static final class Watched {
        final ActorRef<?> ref;
        final long id;
        final boolean guild;
        /** The incarnation's id, which its sessions name when they renew with the next one. */
        final long incarnation;
        /**
         * The sessions it serves. A user's entity serves one session here most of the time, and there is one such
         * entry per identified user: the first session is kept inline and a map made only for a second.
         */
        private long first;
        private boolean hasFirst;
        private LongIntMap more;

        Watched(ActorRef<?> ref, long id, boolean guild, long incarnation) {
            this.ref = ref;
            this.id = id;
            this.guild = guild;
            this.incarnation = incarnation;
        }

        void add(long session) {
            if (!hasFirst && more == null) {
                first = session;
                hasFirst = true;
            } else if (!(hasFirst && first == session)) {
                if (more == null) {
                    more = new LongIntMap(-1);
                }
                more.put(session, 0);
            }
        }

        void remove(long session) {
            if (hasFirst && first == session) {
                hasFirst = false;
            } else if (more != null) {
                more.remove(session);
            }
        }

        int size() {
            return (hasFirst ? 1 : 0) + (more == null ? 0 : more.size());
        }

        long[] sessions() {
            long[] sessions = new long[size()];
            int[] next = {0};
            if (hasFirst) {
                sessions[next[0]++] = first;
            }
            if (more != null) {
                more.forEach((number, ignored) -> sessions[next[0]++] = number);
            }
            return sessions;
        }
    }

    private final Map<ActorRef<?>, Watched> byRef = new HashMap<>();
    private final LongObjectMap<Watched> guilds = new LongObjectMap<>();
    private final LongObjectMap<Watched> users = new LongObjectMap<>();

    /** Records that {@code ref} serves {@code session}; true when {@code ref} is new here and must be watched. */
    boolean add(boolean guild, long id, ActorRef<?> ref, long incarnation, long session) {
        Watched watched = byRef.get(ref);
        boolean fresh = watched == null;
        if (fresh) {
            watched = new Watched(ref, id, guild, incarnation);
            byRef.put(ref, watched);
            (guild ? guilds : users).put(id, watched);
        }
        watched.add(session);
        return fresh;
    }

    /** The session no longer gets this entity's events; returns the ref to unwatch when it served nobody else. */
    ActorRef<?> remove(boolean guild, long id, long session) {
        Watched watched = (guild ? guilds : users).get(id);
        if (watched == null) {
            return null;
        }
        watched.remove(session);
        if (watched.size() > 0) {
            return null;
        }
        byRef.remove(watched.ref);
        (guild ? guilds : users).remove(id);
        return watched.ref;
    }

    /** The entity stopped: forgets it and returns it with the sessions it served, or null when unknown. */
    Watched terminated(ActorRef<?> ref) {
        Watched watched = byRef.remove(ref);
        if (watched != null && (watched.guild ? guilds : users).get(watched.id) == watched) {
            (watched.guild ? guilds : users).remove(watched.id);
        }
        return watched;
    }

    int watchedCount() {
        return byRef.size();
    }
}
