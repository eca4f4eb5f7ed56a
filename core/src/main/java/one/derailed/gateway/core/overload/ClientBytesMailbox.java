package one.derailed.gateway.core.overload;

import com.typesafe.config.Config;
import one.derailed.gateway.core.session.Delivery;
import one.derailed.gateway.core.session.MoveProtocol;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.AbstractNodeQueue;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;
import scala.Option;

/**
 * ClientBytesMailbox is a session's mailbox: Pekko's single-consumer queue (the typed default), which also counts
 * the bytes of the deliveries waiting in it into the node's {@link ClientBytes}. Under overload this is where a
 * backlog piles up (a fan-out is one message per recipient), so the node-wide bound sees it.
 */
public final class ClientBytesMailbox implements MailboxType, ProducesMessageQueue<ClientBytesMailbox.Queue> {
    /** What a waiting message costs beyond its body: the message, its envelope and its queue node, rounded up. */
    static final int MESSAGE_OVERHEAD_BYTES = 64;

    /** Made by Pekko from the mailbox's configuration section ({@code derailed-session-mailbox}). */
    public ClientBytesMailbox(ActorSystem.Settings settings, Config config) {
    }

    @Override
    public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
        return new Queue(system.isDefined() ? ClientBytes.of(system.get()) : new ClientBytes(Long.MAX_VALUE));
    }

    /** The bytes a waiting message holds for its client: the body of a delivery, nothing for the rest. */
    public static long sizeOf(Object message) {
        return switch (message) {
            case Delivery.Dispatch dispatch -> dispatch.data().length + dispatch.event().length()
                    + MESSAGE_OVERHEAD_BYTES;
            case Delivery.GuildAvailable available -> (available.guildCreate() == null ? 0
                    : available.guildCreate().length) + MESSAGE_OVERHEAD_BYTES;
            case MoveProtocol.Handed handed -> sizeOf(handed.delivery());
            case null, default -> 0;
        };
    }

    /**
     * The queue: Pekko's node queue itself (not a wrapper around one, which a fan-out's check for waiting messages
     * would reach through one more object per recipient), counted on the way in and on the way out, with the same
     * size both times.
     */
    public static final class Queue extends AbstractNodeQueue<Envelope>
            implements MessageQueue, UnboundedMessageQueueSemantics {
        private final ClientBytes bytes;

        Queue(ClientBytes bytes) {
            this.bytes = bytes;
        }

        @Override
        public void enqueue(ActorRef receiver, Envelope handle) {
            long size = sizeOf(handle.message());
            if (size != 0) {
                bytes.add(ClientBytes.Kind.MAILBOXES, size);
            }
            add(handle);
        }

        @Override
        public Envelope dequeue() {
            Envelope envelope = poll();
            if (envelope != null) {
                long size = sizeOf(envelope.message());
                if (size != 0) {
                    bytes.add(ClientBytes.Kind.MAILBOXES, -size);
                }
            }
            return envelope;
        }

        @Override
        public int numberOfMessages() {
            return count();
        }

        @Override
        public boolean hasMessages() {
            return !isEmpty();
        }

        /** A stopped session's messages go to dead letters, and out of the account. */
        @Override
        public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
            for (Envelope envelope = dequeue(); envelope != null; envelope = dequeue()) {
                deadLetters.enqueue(owner, envelope);
            }
        }
    }
}
