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
        final LongIntMap sessions = new LongIntMap(-1);

        Watched(ActorRef<?> ref, long id, boolean guild, long incarnation) {
            this.ref = ref;
            this.id = id;
            this.guild = guild;
            this.incarnation = incarnation;
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
        watched.sessions.put(session, 0);
        return fresh;
    }

    /** The session no longer gets this entity's events; returns the ref to unwatch when it served nobody else. */
    ActorRef<?> remove(boolean guild, long id, long session) {
        Watched watched = (guild ? guilds : users).get(id);
        if (watched == null) {
            return null;
        }
        watched.sessions.remove(session);
        if (watched.sessions.size() > 0) {
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
