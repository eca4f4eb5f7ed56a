package one.derailed.gateway.core.guild;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RecentRemovals remembers the members a guild removed or banned lately. A subscription of theirs may still be on
 * its way from before the removal (a join travels from the guild through the user's entity and the relay to the
 * session and back, a ban straight here), so for {@code window} a subscription of such a user is checked against the
 * store, the truth, before it is taken. A join published to the guild clears the memory.
 */
final class RecentRemovals {
    private final long windowNanos;
    private final int maxUsers;
    /** User id to when they were removed, oldest first. */
    private final LinkedHashMap<Long, Long> removed = new LinkedHashMap<>();

    RecentRemovals(Duration window, int maxUsers) {
        this.windowNanos = window.toNanos();
        this.maxUsers = maxUsers;
    }

    void removed(long userId, long nowNanos) {
        removed.remove(userId);
        removed.put(userId, nowNanos);
        if (removed.size() > maxUsers) {
            Iterator<Long> oldest = removed.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    void joined(long userId) {
        removed.remove(userId);
    }

    /** Whether a subscription of {@code userId} must be checked against the store first. */
    boolean mustCheck(long userId, long nowNanos) {
        Iterator<Map.Entry<Long, Long>> oldest = removed.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue() - (nowNanos - windowNanos) < 0) {
            oldest.remove();
        }
        return removed.containsKey(userId);
    }

    int size() {
        return removed.size();
    }
}
