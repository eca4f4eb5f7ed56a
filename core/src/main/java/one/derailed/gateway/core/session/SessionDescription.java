package one.derailed.gateway.core.session;

import one.derailed.gateway.core.CborSerializable;

/**
 * SessionDescription is what a session tells an operator about itself (the admin page's lookup): who it is, whether
 * its client is connected ({@code phase} "live") or away ("detached"), where its numbering is, its shard and intents,
 * its presence status, and its guilds ({@code guilds} holds at most {@link #LISTED_GUILDS} of {@code guildCount}).
 */
public record SessionDescription(String sessionId, long number, long userId, String phase, boolean connected,
                                 long seq, int shardId, int shardCount, int intents, String status, int guildCount,
                                 long[] guilds) implements CborSerializable {
    /** The most guild ids a description lists; a session may have thousands. */
    public static final int LISTED_GUILDS = 100;
}
