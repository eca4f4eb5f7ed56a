package one.derailed.gateway.core.overload;

import java.util.concurrent.atomic.LongAdder;
import one.derailed.gateway.core.config.GatewaySettings;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * ClientBytes is a node's account of the bytes it holds for its clients, in all: frames queued to sockets and not yet
 * written, deliveries waiting in session mailboxes, and dispatches kept in replay buffers. Each socket and each
 * replay buffer has its own bound; this one is the node's, {@code derailed.overload.max-client-bytes}: past it the
 * gRPC ingress refuses publishes and the sockets that read slowest are closed (resumably), before memory runs out.
 *
 * <p>An event body shared by many recipients counts once per recipient, so the figure is an upper bound of the
 * memory really held, never less. Updates are adders (no lock, no allocation); reading sums them.
 */
public final class ClientBytes implements Extension {

    /** Where the bytes are held. */
    public enum Kind {
        SOCKETS("sockets"), MAILBOXES("mailboxes"), REPLAY("replay");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final LongAdder[] held = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final long limit;

    /** An account bounded by {@code limit} bytes. */
    public ClientBytes(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("derailed.overload.max-client-bytes must be positive, was " + limit);
        }
        this.limit = limit;
    }

    /** The node's account, made once per actor system from its {@code derailed.overload} settings. */
    public static ClientBytes of(org.apache.pekko.actor.ActorSystem system) {
        return Id.ID.get(system);
    }

    /** As {@link #of(org.apache.pekko.actor.ActorSystem)}, for a typed system. */
    public static ClientBytes of(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return of(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
    }

    public void add(Kind kind, long delta) {
        held[kind.ordinal()].add(delta);
    }

    public long held(Kind kind) {
        return held[kind.ordinal()].sum();
    }

    public long total() {
        long total = 0;
        for (LongAdder adder : held) {
            total += adder.sum();
        }
        return total;
    }

    public long limit() {
        return limit;
    }

    /** Whether the node holds more for its clients than its bound. */
    public boolean overLimit() {
        return total() > limit;
    }

    /** The extension's id: one account per actor system. */
    public static final class Id extends AbstractExtensionId<ClientBytes> implements ExtensionIdProvider {
        public static final Id ID = new Id();

        private Id() {}

        @Override
        public ClientBytes createExtension(ExtendedActorSystem system) {
            return new ClientBytes(GatewaySettings.maxClientBytes(system.settings().config()));
        }

        @Override
        public Id lookup() {
            return ID;
        }
    }
}
