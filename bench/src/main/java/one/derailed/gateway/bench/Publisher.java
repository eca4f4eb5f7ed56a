package one.derailed.gateway.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongToIntFunction;
import one.derailed.gateway.bench.wire.WallClock;
import one.derailed.gateway.grpc.IngressClient;

/**
 * Publisher publishes timed events through the gateway's gRPC ingress ({@link IngressClient}; several ingress nodes
 * in turn) at a steady rate. Each event's data starts with {@code "nonce":"SENT-NUMBER"}: the send time
 * ({@link WallClock}, nanoseconds since the epoch: the clock of the kernel's receive time stamps, the same for every
 * process on this machine) and the publish's number, which the receiving sessions read in place. Calls are
 * asynchronous, with a bound on calls in flight; a publish that falls due while the bound is reached is skipped and
 * counted, never queued. (They were blocking calls on a pool of 32 threads: with the ingress answering in ~350 ms at
 * the many-guilds run's load, that made 80 publishes/s of the 20,000 asked, while the 2,048 permits in flight only
 * queued in front of the pool.)
 */
final class Publisher implements AutoCloseable {
    private final List<IngressClient> clients = new ArrayList<>();
    private final int maxInflight;
    private final Semaphore inflight;
    private final Fleets fleets;
    private final LongToIntFunction receivers;
    private final String event;
    private final String padding;
    private final AtomicLong numbers = new AtomicLong();
    private final LongAdder publishes = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder expected = new LongAdder();
    private final LongAdder unsettled = new LongAdder();
    private final Map<String, LongAdder> failures = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Publishes to the ingress at each {@code host:port} of {@code ingress} in turn; {@code receivers} says how many
     * sessions should get an event of a guild (for the delivered share).
     */
    Publisher(List<String> ingress, String grpcToken, Options.Publishing options, String event, Fleets fleets,
              LongToIntFunction receivers) {
        for (String address : ingress) {
            int colon = address.lastIndexOf(':');
            clients.add(new IngressClient(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
                    grpcToken));
        }
        this.maxInflight = Math.max(1, options.maxInflightPublishes);
        this.inflight = new Semaphore(maxInflight);
        this.fleets = fleets;
        this.receivers = receivers;
        this.event = event;
        this.padding = "x".repeat(Math.max(0, options.payloadBytes - 230));
    }

    /** The number the next publish will carry (numbers start at 1). */
    long nextNumber() {
        return numbers.get() + 1;
    }

    /** The number the last publish carried. */
    long lastNumber() {
        return numbers.get();
    }

    long publishes() {
        return publishes.sum();
    }

    long skipped() {
        return skipped.sum();
    }

    /** Deliveries the publishes so far should have made: those the gateway answered OK. */
    long expected() {
        return expected.sum();
    }

    /**
     * Deliveries the failed publishes whose outcome a client cannot know may have made: a deadline that passed or an
     * UNAVAILABLE ("it may still be delivered") says nothing of whether the guild took the event.
     */
    long unsettled() {
        return unsettled.sum();
    }

    /** Whether a publish that failed with {@code code} may still have been delivered (docs/grpc.md: the answers). */
    static boolean mayHaveBeenDelivered(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND,
                 FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED, ALREADY_EXISTS -> false;
            default -> true;
        };
    }

    String failures() {
        Map<String, Long> sorted = new TreeMap<>();
        failures.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    long failureCount() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Publishes to {@code guilds} in turn at {@code ratePerSecond} for {@code durationNanos}; returns how many
     * publishes were started. Bounded by the duration: it returns when the last one is due.
     */
    long run(List<Long> guilds, double ratePerSecond, long durationNanos) {
        if (guilds.isEmpty() || ratePerSecond <= 0) {
            return 0;
        }
        long period = Math.max(1, (long) (1e9 / ratePerSecond));
        long start = System.nanoTime();
        long started = 0;
        for (long i = 0; ; i++) {
            long offset = i * period;
            if (offset >= durationNanos) {
                break;
            }
            long wait = start + offset - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long guild = guilds.get((int) (i % guilds.size()));
            if (inflight.tryAcquire()) {
                started++;
                publish(clients.get((int) (i % clients.size())), guild);
            } else {
                skipped.increment();
            }
        }
        return started;
    }

    private void publish(IngressClient client, long guild) {
        long number = numbers.incrementAndGet();
        long sent = WallClock.nanos();
        long started = System.nanoTime();
        String data = "{\"nonce\":\"" + sent + "-" + number + "\",\"id\":\"" + number + "\",\"channel_id\":\"" + guild
                + "\",\"guild_id\":\"" + guild + "\",\"author\":{\"id\":\"1\",\"username\":\"bench\","
                + "\"discriminator\":\"0\",\"global_name\":null,\"avatar\":null},\"content\":\"" + padding
                + "\",\"type\":0,\"tts\":false,\"mentions\":[],\"mention_roles\":[],\"attachments\":[],"
                + "\"embeds\":[],\"pinned\":false}";
        ListenableFuture<String> reply;
        try {
            reply = client.publishToGuildAsync(guild, event, data);
        } catch (RuntimeException e) {
            reply = Futures.immediateFailedFuture(e);
        }
        Futures.addCallback(reply, new FutureCallback<>() {
            @Override
            public void onSuccess(String message) {
                fleets.publishLatency.recordValue((System.nanoTime() - started) / 1000);
                publishes.increment();
                expected.add(receivers.applyAsInt(guild));
                inflight.release();
            }

            @Override
            public void onFailure(Throwable failure) {
                fleets.publishLatency.recordValue((System.nanoTime() - started) / 1000);
                Status.Code code = Status.fromThrowable(failure).getCode();
                String kind = failure instanceof StatusRuntimeException ? code.name()
                        : failure.getClass().getSimpleName();
                failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
                if (mayHaveBeenDelivered(code)) {
                    unsettled.add(receivers.applyAsInt(guild));
                }
                inflight.release();
            }
        }, MoreExecutors.directExecutor());
    }

    /** Waits (bounded) for the calls in flight, then closes the channels. */
    @Override
    public void close() {
        try {
            if (inflight.tryAcquire(maxInflight, 10, TimeUnit.SECONDS)) {
                inflight.release(maxInflight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(IngressClient::close);
    }
}
