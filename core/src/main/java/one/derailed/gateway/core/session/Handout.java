package one.derailed.gateway.core.session;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Handout gives one message to many sessions of this node: for each event loop its sessions run on, one task that
 * hands it to all of them there ({@link SessionPort#hand}), so a fan-out costs a loop one wake-up, not one per
 * session; sessions on no loop get it in their mailbox at once. Each loop's task queue keeps the order its tasks
 * were given, so whatever one caller hands a session arrives in the order it was handed.
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
                submit(loop, new Batch(loop, port, message));
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
            submit(batch.loop, batch);
        }
        return departed;
    }

    /** A loop that has stopped (the edge shutting down) runs nothing more: its sessions get the message in their mailbox. */
    private static void submit(Executor loop, Batch batch) {
        try {
            loop.execute(batch);
        } catch (RejectedExecutionException stopped) {
            for (int i = 0; i < batch.size; i++) {
                batch.ports[i].session().tell(batch.message);
            }
        }
    }

    /** One loop's share of a message's recipients. */
    private static final class Batch implements Runnable {
        final Executor loop;
        final SessionProtocol.Command message;
        SessionPort[] ports;
        int size;
        Batch next;

        Batch(Executor loop, SessionProtocol.Command message, int recipients) {
            this.loop = loop;
            this.message = message;
            this.ports = new SessionPort[Math.min(recipients, 64)];
        }

        Batch(Executor loop, SessionPort port, SessionProtocol.Command message) {
            this.loop = loop;
            this.message = message;
            this.ports = new SessionPort[] {port};
            this.size = 1;
        }

        void add(SessionPort port) {
            if (size == ports.length) {
                ports = java.util.Arrays.copyOf(ports, ports.length * 2);
            }
            ports[size++] = port;
        }

        @Override
        public void run() {
            for (int i = 0; i < size; i++) {
                ports[i].hand(message);
            }
        }
    }
}
