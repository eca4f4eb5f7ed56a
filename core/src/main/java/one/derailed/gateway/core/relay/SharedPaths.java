package one.derailed.gateway.core.relay;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * SharedPaths gives the relay one copy of what the remote entities it watches have in common. A remote ref read off a
 * message brings its own copy of its node's address and of every element of its path ({@code /system/sharding/User/
 * <shard>}); the relay keeps one watched ref per user entity, so per session that was ~0.9 KiB of heap on an edge
 * node (docs/benchmarks.md, attempt 8). The ref kept instead names the same actor (equal, same uid) on a path whose parents are
 * shared with every other entity of the same shard.
 */
final class SharedPaths {
    /** The distinct parent paths kept (nodes × shards × entity types); past it they are forgotten and built anew. */
    static final int MAX_PATHS = 65_536;

    private final ActorRefProvider provider;
    private final Map<ActorPath, ActorPath> paths = new HashMap<>();

    SharedPaths(ActorSystem<?> system) {
        this.provider = ((ExtendedActorSystem) Adapter.toClassic(system)).provider();
    }

    /** {@code ref}, or when it is remote an equal ref whose path above its own name is shared. */
    ActorRef<?> share(ActorRef<?> ref) {
        ActorPath path = ref.path();
        if (path.address().hasLocalScope() || path instanceof RootActorPath) {
            return ref;
        }
        ActorPath shared = shared(path.parent()).child(path.name()).withUid(path.uid());
        return Adapter.toTyped(provider.resolveActorRef(shared));
    }

    private ActorPath shared(ActorPath path) {
        ActorPath known = paths.get(path);
        if (known != null) {
            return known;
        }
        if (paths.size() >= MAX_PATHS) {
            paths.clear();
        }
        ActorPath kept = path instanceof RootActorPath ? path : shared(path.parent()).child(path.name());
        paths.put(kept, kept);
        return kept;
    }

    int size() {
        return paths.size();
    }
}
