package one.derailed.gateway.bench;

import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import one.derailed.gateway.grpc.IngressClient;

/**
 * Publisher publishes timed events through the gateway's gRPC ingress ({@link IngressClient}) at a steady rate. Each
 * event's data carries its send time ({@link Clock#now()}, nanoseconds) in {@code nonce}, which the receiving
 * sessions subtract from their receive time. Calls run on a small pool with a bound on calls in flight; a publish
 * that falls due while the bound is reached is skipped and counted, never queued.
 */
final class Publisher implements AutoCloseable {
    private final IngressClient client;
    private final ExecutorService pool;
    private final Semaphore inflight;
    private final Stats stats;
    private final Fleet fleet;
    private final String event;
    private final String padding;
    private final AtomicLong ids = new AtomicLong(1);

    Publisher(Options.Target target, Options.Fleet options, Stats stats, Fleet fleet) {
        this.client = new IngressClient(target.host, target.grpcPort, target.grpcToken);
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, options.publishThreads), r -> {
            Thread thread = new Thread(r, "bench-publisher-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.inflight = new Semaphore(Math.max(1, options.maxInflightPublishes));
        this.stats = stats;
        this.fleet = fleet;
        this.event = options.event;
        this.padding = "x".repeat(Math.max(0, options.payloadBytes - 230));
    }

    /**
     * Publishes to {@code guilds} in turn at {@code ratePerSecond} for {@code durationNanos}; returns how many publishes
     * were started. Bounded by the duration: it returns when the last one is due.
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
                pool.execute(() -> {
                    try {
                        publish(guild);
                    } finally {
                        inflight.release();
                    }
                });
            } else {
                stats.publishesSkipped.increment();
            }
        }
        return started;
    }

    private void publish(long guild) {
        long id = ids.getAndIncrement();
        int receivers = fleet.readyIn(guild);
        long sent = Clock.now();
        String data = "{\"id\":\"" + id + "\",\"channel_id\":\"" + guild + "\",\"guild_id\":\"" + guild
                + "\",\"author\":{\"id\":\"1\",\"username\":\"bench\",\"discriminator\":\"0\",\"global_name\":null,"
                + "\"avatar\":null},\"content\":\"" + padding + "\",\"nonce\":\"" + sent
                + "\",\"type\":0,\"tts\":false,\"mentions\":[],\"mention_roles\":[],\"attachments\":[],"
                + "\"embeds\":[],\"pinned\":false}";
        try {
            client.publishToGuild(guild, event, data);
            stats.publishes.increment();
            stats.expectedDeliveries.add(receivers);
        } catch (StatusRuntimeException e) {
            stats.publishError(e.getStatus().getCode().name());
        } catch (RuntimeException e) {
            stats.publishError(e.getClass().getSimpleName());
        } finally {
            stats.publishLatency.recordValue((Clock.now() - sent) / 1000);
        }
    }

    /** Waits (bounded) for the calls in flight, then closes the channel. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        client.close();
    }
}
