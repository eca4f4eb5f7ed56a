package one.derailed.gateway.bench;

import java.util.List;

/**
 * FleetControl is what a scenario does with a fleet of sessions, whether it lives in this process ({@link Fleet}) or
 * in a worker process ({@link RemoteFleet}); {@link Fleets} drives several as one.
 */
interface FleetControl extends AutoCloseable {

    /** Sessions in this fleet. */
    int size();

    /** Starts connecting; with {@code identifyOnHello} every session identifies (paced) once it has HELLO. */
    void start(boolean identifyOnHello);

    /** Lets the sessions that said HELLO identify, paced from now on. */
    void enableIdentify();

    /** Counters now, and the latencies since the previous sample. */
    FleetSample sample();

    /** For each publish number in {@code [first, last]}: deliveries seen and the latest one's latency (µs). */
    List<long[]> arrivals(long first, long last);

    /** Closes every session (1000) and waits a bounded time. */
    @Override
    void close();
}
