package one.derailed.gateway.core.admin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RateHistory turns a node's running totals into what happened per sample interval, keeping the last
 * {@code capacity} intervals (the admin page's charts). Each sample is stamped with the interval's end rounded to a
 * multiple of the interval, so the samples of every node line up and add up. Read and written by one actor.
 */
final class RateHistory {
    /** A node's running totals at one moment. */
    record Totals(double published, double delivered, double invalidSessions, Map<String, Double> closes) {}

    private final long intervalMillis;
    private final int capacity;
    private final ArrayDeque<AdminProtocol.Sample> samples;
    private Totals last;

    RateHistory(long intervalMillis, int capacity) {
        this.intervalMillis = intervalMillis;
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    /** Records the totals read at {@code nowMillis}; the first reading only sets where counting starts. */
    void record(long nowMillis, Totals now) {
        Totals before = last;
        last = now;
        if (before == null) {
            return;
        }
        long at = Math.round((double) nowMillis / intervalMillis) * intervalMillis;
        Map<String, Long> closes = new TreeMap<>();
        now.closes().forEach((code, total) -> {
            long delta = Math.round(total - before.closes().getOrDefault(code, 0.0));
            if (delta > 0) {
                closes.put(code, delta);
            }
        });
        AdminProtocol.Sample sample = new AdminProtocol.Sample(at, delta(now.published(), before.published()),
                delta(now.delivered(), before.delivered()), delta(now.invalidSessions(), before.invalidSessions()),
                closes);
        AdminProtocol.Sample previous = samples.peekLast();
        if (previous != null && previous.at() == at) {
            // a timer that fired late and then early: both readings belong to one interval
            samples.removeLast();
            sample = merged(previous, sample);
        }
        samples.addLast(sample);
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    List<AdminProtocol.Sample> samples() {
        return new ArrayList<>(samples);
    }

    long intervalMillis() {
        return intervalMillis;
    }

    private static long delta(double now, double before) {
        return Math.max(0, Math.round(now - before));
    }

    static AdminProtocol.Sample merged(AdminProtocol.Sample a, AdminProtocol.Sample b) {
        Map<String, Long> closes = new TreeMap<>(a.closes());
        b.closes().forEach((code, count) -> closes.merge(code, count, Long::sum));
        return new AdminProtocol.Sample(a.at(), a.published() + b.published(), a.delivered() + b.delivered(),
                a.invalidSessions() + b.invalidSessions(), closes);
    }
}
