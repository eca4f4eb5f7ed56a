package one.derailed.gateway.core.guild;

import java.util.Arrays;
import one.derailed.gateway.core.collections.LongIntMap;
import one.derailed.gateway.core.relay.RelayProtocol;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * NodeSubscribers is one node's subscribed sessions in a guild, as three parallel arrays (session number, user id,
 * intents: 20 bytes a session) and an index from session number to slot. Removal moves the last session into the
 * freed slot, so the arrays stay dense and a fan-out is one linear pass with a bit test per session.
 */
final class NodeSubscribers {
    private static final int MIN_CAPACITY = 4;

    final ActorRef<RelayProtocol.Command> relay;
    private long[] sessions = new long[MIN_CAPACITY];
    private long[] users = new long[MIN_CAPACITY];
    private int[] intents = new int[MIN_CAPACITY];
    private int size;
    private final LongIntMap slots = new LongIntMap(-1);
    /**
     * How many of these sessions have each intent bit: an event nobody here may receive (a PRESENCE_UPDATE where no
     * session asked for GUILD_PRESENCES) costs one check instead of a pass over every session.
     */
    private final int[] withIntent = new int[Integer.SIZE];

    NodeSubscribers(ActorRef<RelayProtocol.Command> relay) {
        this.relay = relay;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds or replaces a session; true when it is new here. */
    boolean put(long session, long userId, int sessionIntents) {
        int slot = slots.get(session);
        if (slot >= 0) {
            users[slot] = userId;
            count(intents[slot], -1);
            intents[slot] = sessionIntents;
            count(sessionIntents, 1);
            return false;
        }
        if (size == sessions.length) {
            resize(size + (size >>> 1));
        }
        sessions[size] = session;
        users[size] = userId;
        intents[size] = sessionIntents;
        count(sessionIntents, 1);
        slots.put(session, size);
        size++;
        return true;
    }

    private void count(int bits, int delta) {
        for (int rest = bits; rest != 0; rest &= rest - 1) {
            withIntent[Integer.numberOfTrailingZeros(rest)] += delta;
        }
    }

    /** Whether some session here has every bit of {@code required}, as far as per-bit counts can tell. */
    private boolean mayHave(int required) {
        for (int rest = required; rest != 0; rest &= rest - 1) {
            if (withIntent[Integer.numberOfTrailingZeros(rest)] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Removes a session; false when it was not here. */
    boolean remove(long session) {
        int slot = slots.remove(session);
        if (slot < 0) {
            return false;
        }
        count(intents[slot], -1);
        int last = --size;
        if (slot != last) {
            long moved = sessions[last];
            sessions[slot] = moved;
            users[slot] = users[last];
            intents[slot] = intents[last];
            slots.put(moved, slot);
        }
        if (size < sessions.length >>> 2 && sessions.length > MIN_CAPACITY) {
            resize(Math.max(MIN_CAPACITY, sessions.length >>> 1));
        }
        return true;
    }

    long session(int slot) {
        return sessions[slot];
    }

    long user(int slot) {
        return users[slot];
    }

    boolean contains(long session) {
        return slots.containsKey(session);
    }

    /** The sessions whose intents include {@code required} and whose user is not {@code excludedUser}, or null. */
    long[] targets(int required, long excludedUser) {
        if (!mayHave(required)) {
            return null;
        }
        long[] sessions = this.sessions;
        long[] users = this.users;
        int[] intents = this.intents;
        int size = this.size;
        long[] out = new long[size];
        int count = 0;
        for (int i = 0; i < size; i++) {
            if ((intents[i] & required) == required && users[i] != excludedUser) {
                out[count++] = sessions[i];
            }
        }
        return count == 0 ? null : count == size ? out : Arrays.copyOf(out, count);
    }

    /**
     * The sessions whose intents include {@code required}, split by whether they see message content: those with
     * {@code contentIntent}, or whose user passes {@code seesContentAnyway}; null when there are none.
     */
    GuildState.ContentSplit targetsByContent(int required, int contentIntent,
                                             java.util.function.LongPredicate seesContentAnyway) {
        if (!mayHave(required)) {
            return null;
        }
        long[] sessions = this.sessions;
        long[] users = this.users;
        int[] intents = this.intents;
        int size = this.size;
        long[] full = new long[size];
        long[] stripped = null;
        int fullCount = 0;
        int strippedCount = 0;
        for (int i = 0; i < size; i++) {
            int allowed = intents[i];
            if ((allowed & required) != required) {
                continue;
            }
            if ((allowed & contentIntent) == contentIntent || seesContentAnyway.test(users[i])) {
                full[fullCount++] = sessions[i];
            } else {
                if (stripped == null) {
                    stripped = new long[size - i];
                }
                stripped[strippedCount++] = sessions[i];
            }
        }
        if (fullCount + strippedCount == 0) {
            return null;
        }
        return new GuildState.ContentSplit(
                fullCount == size ? full : fullCount == 0 ? EMPTY : Arrays.copyOf(full, fullCount),
                stripped == null ? EMPTY : Arrays.copyOf(stripped, strippedCount));
    }

    private static final long[] EMPTY = new long[0];

    private void resize(int capacity) {
        sessions = Arrays.copyOf(sessions, capacity);
        users = Arrays.copyOf(users, capacity);
        intents = Arrays.copyOf(intents, capacity);
    }
}
