package one.derailed.gateway.core.ingress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RecentKeys remembers the idempotency keys an entity answered lately, so that an API retrying a publish whose
 * answer it never got (a timeout, while the event waited in a loading guild or a shard buffer) does not deliver it
 * twice. Keys are kept for {@code window} and at most {@code maxKeys} at once, the oldest going first.
 */
public final class RecentKeys {
    private final long windowNanos;
    private final int maxKeys;
    /** Key to the time it was first seen, oldest first. */
    private final LinkedHashMap<String, Long> keys = new LinkedHashMap<>();

    public RecentKeys(Duration window, int maxKeys) {
        this.windowNanos = window.toNanos();
        this.maxKeys = maxKeys;
    }

    /**
     * Records {@code key} (null: the publish has none) at {@code nowNanos}; true when it was seen within the window,
     * so the publish is a repeat.
     */
    public boolean seen(String key, long nowNanos) {
        if (key == null) {
            return false;
        }
        forgetBefore(nowNanos - windowNanos);
        if (keys.containsKey(key)) {
            return true;
        }
        keys.put(key, nowNanos);
        if (keys.size() > maxKeys) {
            Iterator<String> oldest = keys.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return false;
    }

    private void forgetBefore(long cutoffNanos) {
        Iterator<Map.Entry<String, Long>> oldest = keys.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue() - cutoffNanos < 0) {
            oldest.remove();
        }
    }

    /** The keys still remembered, oldest first, for the entity's next incarnation. */
    public List<String> carry(long nowNanos) {
        forgetBefore(nowNanos - windowNanos);
        return new ArrayList<>(keys.keySet());
    }

    /** Takes over the keys of the incarnation before, as seen now. */
    public void adopt(List<String> carried, long nowNanos) {
        for (String key : carried) {
            seen(key, nowNanos);
        }
    }

    public int size() {
        return keys.size();
    }
}
