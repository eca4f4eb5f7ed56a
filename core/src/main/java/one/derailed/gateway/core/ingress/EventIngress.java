package one.derailed.gateway.core.ingress;

import java.util.concurrent.CompletionStage;

/**
 * EventIngress is how other services hand events to the gateway: the gRPC services call it, the core implements it
 * by finding the guild's or user's entity anywhere in the cluster.
 *
 * <p>{@code data} is the UTF-8 JSON text of the event's {@code d}, already validated by the caller; the gateway keeps
 * these bytes and never re-encodes them. Each stage completes once the target entity accepted the event, and fails
 * with {@link java.util.concurrent.TimeoutException} when the entity did not answer in time.
 */
public interface EventIngress {

    /**
     * Publishes to a guild. A repeat of a publish with the same {@code idempotencyKey} (null: none) within the
     * entity's window completes as the first did and is not delivered again.
     */
    CompletionStage<Void> publishToGuild(long guildId, String event, byte[] data, String idempotencyKey);

    /** Publishes to a user, as {@link #publishToGuild} does to a guild. */
    CompletionStage<Void> publishToUser(long userId, String event, byte[] data, String idempotencyKey);

    CompletionStage<GuildInfo> guildInfo(long guildId);

    /** The largest {@code data} accepted, in bytes ({@code limits.max-event-bytes}); a caller refuses larger ones. */
    long maxEventBytes();

    /** GuildInfo counts the online members of a guild and says whether the guild is live in the gateway. */
    record GuildInfo(int presences, boolean available) {}
}
