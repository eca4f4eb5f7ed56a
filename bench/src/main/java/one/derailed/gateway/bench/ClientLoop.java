package one.derailed.gateway.bench;

import java.io.IOException;
import one.derailed.gateway.bench.wire.EventLoop;

/** ClientLoop is one of a fleet's event loops with what only its thread touches: its counters and its scratch. */
final class ClientLoop implements AutoCloseable {
    final EventLoop loop;
    final LoopStats stats;
    final Scratch scratch = new Scratch();

    ClientLoop(String name, Stats fleetStats, int readBatchMicros) throws IOException {
        this.loop = new EventLoop(name, readBatchMicros);
        this.stats = fleetStats.newLoop();
    }

    @Override
    public void close() {
        loop.close();
    }
}
