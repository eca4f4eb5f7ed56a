package one.derailed.gateway.core.relay;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * RelayLink numbers what one entity incarnation (a guild's or a user's) sends each node's relay, one count per relay,
 * so that the relay can tell when a message between them was lost: Artery drops a message when its outbound queue to
 * a node is full, with only a log line. Every message from an entity to a relay goes through its link.
 */
public final class RelayLink {
    private final ActorRef<?> source;
    private final boolean guild;
    private final long id;
    private final Map<ActorRef<RelayProtocol.Command>, long[]> sent = new HashMap<>(4);

    /** The link of the incarnation {@code source} of guild (or, with {@code guild} false, user) {@code id}. */
    public RelayLink(ActorRef<?> source, boolean guild, long id) {
        this.source = source;
        this.guild = guild;
        this.id = id;
    }

    /** Sends {@code message} to {@code relay}, numbered one past the last one sent there. */
    public void tell(ActorRef<RelayProtocol.Command> relay, RelayProtocol.Command message) {
        long[] count = sent.computeIfAbsent(relay, r -> new long[1]);
        relay.tell(new RelayProtocol.Sequenced(source, guild, id, ++count[0], message));
    }

    /** The node of {@code relay} is gone: its count goes with it. */
    public void forget(ActorRef<RelayProtocol.Command> relay) {
        sent.remove(relay);
    }
}
