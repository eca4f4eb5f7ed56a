package one.derailed.gateway.store;

import java.time.Instant;

/**
 * ActivityRecord is one row of {@code activities}: what a user shows they are doing, of Discord's activity
 * {@code type} (0 playing, 1 streaming, 2 listening, 3 watching, 4 custom, 5 competing).
 */
public record ActivityRecord(int type, Instant createdAt, String content) {
}
