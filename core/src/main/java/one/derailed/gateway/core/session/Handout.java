package one.derailed.gateway.core.session;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.gateway.core.overload.ClientBytesMailbox;

/**
 * Handout gives one message to many sessions of this node: for each event loop its sessions run on, one task that
 * hands it to all of them there ({@link SessionPort#hand}), so a fan-out costs a loop one wake-up, not one per
 * session; sessions on no loop get it in their mailbox at once. Each loop's task queue keeps the order its tasks
 * were given, so whatever one caller hands a session arrives in the order it was handed.
 *
 * <p>While a task waits for its loop, what it carries counts into the node's {@link ClientBytes} as a mailbox would
 * count it (once per recipient), until each recipient has it: written to its socket (counted there), or in its
 * mailbox (counted there), or gone with its session.
 */
public final class Handout {
    private Handout() {}

    /** Hands {@code message} to each session numbered in {@code numbers}; returns how many had already ended. */
    public static int handOut(SessionDirectory directory, long[] numbers, SessionProtocol.Command message) {
        if (numbers.length == 1) {
            SessionPort port = directory.port(numbers[0]);
            if (port == null) {
                return 1;
            }
            Executor loop = port.loop();
            if (loop == null) {
                port.session().tell(message);
            } else {
                submit(new Batch(loop, port, message));
            }
            return 0;
        }
        int departed = 0;
        Batch first = null;
        for (long number : numbers) {
            SessionPort port = directory.port(number);
            if (port == null) {
                departed++;
                continue;
            }
            Executor loop = port.loop();
            if (loop == null) {
                port.session().tell(message);
                continue;
            }
            Batch batch = first;
            while (batch != null && batch.loop != loop) {
                batch = batch.next;
            }
            if (batch == null) {
                batch = new Batch(loop, message, numbers.length);
                batch.next = first;
                first = batch;
            }
            batch.add(port);
        }
        for (Batch batch = first; batch != null; batch = batch.next) {
            submit(batch);
        }
        return departed;
    }

    /** A loop that has stopped (the edge shutting down) runs nothing more: its sessions get the message in their mailbox. */
    private static void submit(Batch batch) {
        batch.account(1);
        try {
            batch.loop.execute(batch);
        } catch (RejectedExecutionException stopped) {
            for (int i = 0; i < batch.size; i++) {
                batch.ports[i].session().tell(batch.message);
            }
            batch.account(-1);
        }
    }

    /** One loop's share of a message's recipients. */
    private static final class Batch implements Runnable {
        final Executor loop;
        final SessionProtocol.Command message;
        /** What the message holds for one client while it waits ({@link ClientBytesMailbox#sizeOf}). */
        final long bytesEach;
        SessionPort[] ports;
        int size;
        Batch next;

        Batch(Executor loop, SessionProtocol.Command message, int recipients) {
            this.loop = loop;
            this.message = message;
            this.bytesEach = ClientBytesMailbox.sizeOf(message);
            this.ports = new SessionPort[Math.min(recipients, 64)];
        }

        Batch(Executor loop, SessionPort port, SessionProtocol.Command message) {
            this.loop = loop;
            this.message = message;
            this.bytesEach = ClientBytesMailbox.sizeOf(message);
            this.ports = new SessionPort[] {port};
            this.size = 1;
        }

        void add(SessionPort port) {
            if (size == ports.length) {
                ports = Arrays.copyOf(ports, ports.length * 2);
            }
            ports[size++] = port;
        }

        /** Counts ({@code sign} 1) or uncounts (-1) what the whole batch holds for its clients. */
        void account(int sign) {
            if (bytesEach != 0) {
                ports[0].clientBytes().add(ClientBytes.Kind.MAILBOXES, sign * bytesEach * size);
            }
        }

        /** Each recipient's share leaves the account once it has the message, counted where it now is. */
        @Override
        public void run() {
            ClientBytes bytes = bytesEach == 0 ? null : ports[0].clientBytes();
            for (int i = 0; i < size; i++) {
                try {
                    ports[i].hand(message);
                } catch (RuntimeException failure) {
                    // never the others' loss: this session, which may have missed it, ends (4009)
                    ports[i].session().tell(new Delivery.Lost("the gateway could not deliver an event to this session"));
                } finally {
                    if (bytes != null) {
                        bytes.add(ClientBytes.Kind.MAILBOXES, -bytesEach);
                    }
                }
            }
        }
    }
}
