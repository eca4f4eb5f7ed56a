package one.derailed.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Fleets is every fleet of a run driven as one (in this process or in workers): started together, sampled together
 * (counters added, latencies merged), and measured over {@link Tally tallies}, the spans a result is about (a storm, a
 * fan-out step). Publish RPC latencies, recorded by the {@link Publisher} in this process, join each sample.
 */
final class Fleets implements AutoCloseable {
    final Recorder publishLatency = new Recorder(Stats.DIGITS);
    private final List<FleetControl> fleets;
    private final List<Tally> tallies = new CopyOnWriteArrayList<>();
    private final ExecutorService requests;
    private Histogram publishInterval;
    private volatile FleetSample latest = FleetSample.empty();

    /** What a span of the run measured: counters at both ends and the latencies recorded in between. */
    static final class Tally {
        final FleetSample start;
        final long startNanos = System.nanoTime();
        final Histogram ready = Stats.histogram();
        final Histogram delivery = Stats.histogram();
        final Histogram recovery = Stats.histogram();
        final Histogram publish = Stats.histogram();
        FleetSample end;
        long endNanos;

        private Tally(FleetSample start) {
            this.start = start;
        }

        private void add(FleetSample interval, Histogram publishes) {
            ready.add(interval.ready());
            delivery.add(interval.delivery());
            recovery.add(interval.recovery());
            publish.add(publishes);
        }

        long delta(Counter counter) {
            return end.get(counter) - start.get(counter);
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    Fleets(List<? extends FleetControl> fleets) {
        this.fleets = new ArrayList<>(fleets);
        this.requests = Executors.newFixedThreadPool(Math.max(1, Math.min(16, fleets.size())), r -> {
            Thread thread = new Thread(r, "bench-fleets");
            thread.setDaemon(true);
            return thread;
        });
    }

    int size() {
        return fleets.stream().mapToInt(FleetControl::size).sum();
    }

    List<FleetControl> members() {
        return fleets;
    }

    void start(boolean identifyOnHello) {
        each(f -> {
            f.start(identifyOnHello);
            return null;
        });
    }

    void enableIdentify() {
        each(f -> {
            f.enableIdentify();
            return null;
        });
    }

    /** Samples every fleet (in parallel) and adds the interval to every open tally. */
    synchronized FleetSample sample() {
        FleetSample total = FleetSample.empty();
        for (FleetSample s : each(FleetControl::sample)) {
            total = total.plus(s);
        }
        publishInterval = publishLatency.getIntervalHistogram(publishInterval);
        for (Tally tally : tallies) {
            tally.add(total, publishInterval);
        }
        latest = total;
        return total;
    }

    /** The most recent sample (taken by whoever sampled last: the reporter, a tally). */
    FleetSample latest() {
        return latest;
    }

    /** Opens a tally from now. */
    synchronized Tally begin() {
        sample();
        return open();
    }

    /** Closes {@code tally} now and returns it. */
    synchronized Tally end(Tally tally) {
        sample();
        return close(tally);
    }

    /** Closes {@code tally} and opens its successor from the same sample (one sample for both). */
    synchronized Tally next(Tally tally) {
        sample();
        close(tally);
        return open();
    }

    private Tally open() {
        Tally tally = new Tally(latest);
        tallies.add(tally);
        return tally;
    }

    private Tally close(Tally tally) {
        tallies.remove(tally);
        tally.end = latest;
        tally.endNanos = System.nanoTime();
        return tally;
    }

    /** Samples every {@code pollMillis} until {@code done} holds (true) or {@code timeoutMillis} passed (false). */
    boolean await(Predicate<FleetSample> done, long timeoutMillis, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (done.test(sample())) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Every session READY, or every session started and each READY or closed for good. */
    boolean awaitReady(long timeoutMillis) throws InterruptedException {
        int n = size();
        return await(s -> s.get(Counter.READY_NOW) >= n || (s.get(Counter.STARTED_NOW) >= n
                && s.get(Counter.READY_NOW) + s.get(Counter.CLOSED_NOW) >= n), timeoutMillis, 250)
                && latest.get(Counter.READY_NOW) >= n;
    }

    /** Every session past HELLO, or every session started and each past HELLO or closed. */
    boolean awaitHello(long timeoutMillis) throws InterruptedException {
        int n = size();
        return await(s -> s.get(Counter.HELLOED_NOW) >= n || (s.get(Counter.STARTED_NOW) >= n
                && s.get(Counter.HELLOED_NOW) + s.get(Counter.CLOSED_NOW) >= n), timeoutMillis, 250)
                && latest.get(Counter.HELLOED_NOW) >= n;
    }

    /** For each publish in {@code [first, last]}: deliveries across the fleets and the latest one's latency (µs). */
    List<long[]> arrivals(long first, long last) {
        List<long[]> total = new ArrayList<>();
        for (long n = first; n <= last; n++) {
            total.add(new long[2]);
        }
        for (List<long[]> part : each(f -> f.arrivals(first, last))) {
            for (int i = 0; i < part.size() && i < total.size(); i++) {
                total.get(i)[0] += part.get(i)[0];
                total.get(i)[1] = Math.max(total.get(i)[1], part.get(i)[1]);
            }
        }
        return total;
    }

    private <T> List<T> each(java.util.function.Function<FleetControl, T> call) {
        List<Future<T>> futures = new ArrayList<>();
        for (FleetControl fleet : fleets) {
            futures.add(requests.submit(() -> call.apply(fleet)));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            try {
                results.add(future.get(90, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("a fleet did not answer in 90 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        return results;
    }

    /** Closes every fleet (in parallel, each bounded). */
    @Override
    public void close() {
        List<Future<?>> closing = new ArrayList<>();
        for (FleetControl fleet : fleets) {
            closing.add(requests.submit(fleet::close));
        }
        for (Future<?> f : closing) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("closing a fleet: " + e);
            }
        }
        requests.shutdownNow();
    }
}
