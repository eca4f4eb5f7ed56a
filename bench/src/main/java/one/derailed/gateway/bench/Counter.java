package one.derailed.gateway.bench;

/**
 * Counter names what a fleet counts, the same in every process: a {@link FleetSample} carries one cumulative value
 * per counter, and samples from several fleets add up. Gauges (the "NOW" ones and the two time stamps) are
 * sampled, not accumulated: {@link FleetSample#plus} adds the NOW ones and keeps the earliest of the FIRST and the
 * latest of the LAST time stamps ({@link System#nanoTime()}, which on Linux is one clock for every process).
 */
enum Counter {
    CONNECTS_STARTED,
    CONNECT_FAILURES,
    HANDSHAKES,
    HELLOS,
    IDENTIFIES,
    READIES,
    RESUMES,
    DELIVERIES,
    OTHER_DISPATCHES,
    FRAMES_IN,
    WIRE_BYTES_IN,
    JSON_BYTES_IN,
    HEARTBEATS_SENT,
    HEARTBEAT_ACKS,
    MISSED_ACKS,
    HEARTBEAT_REQUESTS,
    /**
     * HELLOs this generator read, and heartbeats it sent, {@link BenchSession#LATE_NANOS} or more after they were due
     * (a HELLO from the kernel's receive time stamp): the generator's own starvation. The server counts a socket's
     * silence from its HELLO, so a session whose HELLO and first heartbeat are both this late may be closed for a
     * missed heartbeat that the gateway had no part in.
     */
    LATE_HELLOS,
    LATE_HEARTBEATS,
    /** op 7 RECONNECT received. */
    RECONNECT_REQUESTS,
    /** op 9 INVALID SESSION received. */
    INVALID_SESSIONS,
    /** Sockets that ended without a close frame while the run was going on (1006). */
    DROPS,
    DECODE_FAILURES,
    SEQUENCE_GAPS,
    /** New sockets opened for sessions that lost theirs (with --reconnect). */
    RECONNECTS,
    /** Sessions READY or RESUMED again after losing their socket. */
    RECOVERED,
    /** PRESENCE_UPDATE with status offline seen by observer sessions. */
    OFFLINE_SEEN,
    STARTED_NOW,
    HELLOED_NOW,
    READY_NOW,
    CLOSED_NOW,
    /** CPU of the fleet's event loop threads. */
    LOOP_CPU_NANOS,
    /** CPU of the whole generator process (loops, publisher, JIT, GC), user and system, and each of the two. */
    PROCESS_CPU_NANOS,
    PROCESS_USER_NANOS,
    PROCESS_SYSTEM_NANOS,
    FIRST_IDENTIFY_NANOS,
    LAST_READY_NANOS,
    FIRST_OFFLINE_NANOS,
    LAST_OFFLINE_NANOS;

    static final Counter[] ALL = values();

    boolean isGauge() {
        return ordinal() >= STARTED_NOW.ordinal();
    }

    boolean isFirst() {
        return this == FIRST_IDENTIFY_NANOS || this == FIRST_OFFLINE_NANOS;
    }

    boolean isLast() {
        return this == LAST_READY_NANOS || this == LAST_OFFLINE_NANOS;
    }
}
