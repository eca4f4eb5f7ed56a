package one.derailed.gateway.core.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GuildCensus is a node's answer to "which guilds have the most online members": the guilds of this node report
 * their online count, and the census keeps the {@code capacity} largest, one slot each. It is bounded whatever the
 * number of guilds, and stays off their hot path: a guild reports only when its count changed, and a guild that
 * holds no slot then reads one volatile number (the smallest count tracked, when every slot is taken) and goes on;
 * only a guild that passes it takes the lock, to take the slot of the smallest.
 *
 * <p>Counts are as reported at each guild's last change, so the census is exact for the guilds it tracks and may
 * miss an untracked guild that grew past a tracked one which then shrank, until that guild changes again.
 */
public final class GuildCensus {
    private final int capacity;
    /** Guarded by this. */
    private final List<Entry> tracked;
    /** The smallest count among the tracked guilds once every slot is taken; 0 while one is free. */
    private volatile int floor;

    public GuildCensus(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a census tracks at least one guild");
        }
        this.capacity = capacity;
        this.tracked = new ArrayList<>(capacity);
    }

    private GuildCensus() {
        this.capacity = 0;
        this.tracked = List.of();
        this.floor = Integer.MAX_VALUE;
    }

    /** A census that tracks nothing (a guild run outside a node, in tests): no guild ever passes its floor. */
    public static GuildCensus none() {
        return new GuildCensus();
    }

    /** A guild of this node starts counting; it reports through the entry (from its own actor only). */
    public Entry enter(long guildId, String name) {
        return new Entry(this, guildId, name);
    }

    /** The {@code limit} tracked guilds with the most online members, most first; guilds with none are left out. */
    public synchronized List<Counted> top(int limit) {
        return tracked.stream()
                .map(entry -> new Counted(entry.guildId, entry.name, entry.online, entry.members))
                .filter(counted -> counted.online() > 0)
                .sorted(Comparator.comparingInt(Counted::online).reversed().thenComparingLong(Counted::guildId))
                .limit(limit)
                .toList();
    }

    /** How many guilds hold a slot now. */
    public synchronized int trackedCount() {
        return tracked.size();
    }

    private synchronized void offer(Entry entry) {
        if (entry.tracked || entry.left) {
            return;
        }
        if (tracked.size() < capacity) {
            entry.tracked = true;
            tracked.add(entry);
        } else {
            Entry smallest = smallest();
            if (smallest.online >= entry.online) {
                updateFloor();
                return;
            }
            smallest.tracked = false;
            tracked.set(tracked.indexOf(smallest), entry);
            entry.tracked = true;
        }
        updateFloor();
    }

    private synchronized void leave(Entry entry) {
        entry.left = true;
        if (entry.tracked) {
            entry.tracked = false;
            tracked.remove(entry);
            updateFloor();
        }
    }

    private Entry smallest() {
        Entry smallest = tracked.get(0);
        for (Entry entry : tracked) {
            if (entry.online < smallest.online) {
                smallest = entry;
            }
        }
        return smallest;
    }

    private void updateFloor() {
        floor = tracked.size() < capacity ? 0 : smallest().online;
    }

    /** A guild's online and total members, as last reported. */
    public record Counted(long guildId, String name, int online, long members) {}

    /** Entry is one guild's place in the census; the guild's actor is its only writer. */
    public static class Entry {
        private final GuildCensus census;
        private final long guildId;
        private final String name;
        private volatile int online;
        private volatile long members;
        /** Written under the census's lock, read without it. */
        private volatile boolean tracked;
        /** Guarded by the census. */
        private boolean left;
        /** Read and written by the guild's actor only. */
        private int lastReported = -1;

        Entry(GuildCensus census, long guildId, String name) {
            this.census = census;
            this.guildId = guildId;
            this.name = name;
        }

        /** The guild's counts now; costs a comparison unless the online count changed. */
        public void online(int online, long members) {
            if (online == lastReported) {
                return;
            }
            lastReported = online;
            this.members = members;
            this.online = online;
            if (!tracked && online > census.floor) {
                census.offer(this);
            }
        }

        /** The guild stopped on this node. */
        public void leave() {
            census.leave(this);
        }
    }
}
