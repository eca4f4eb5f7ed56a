package one.derailed.check;

import java.util.List;

/** Library is one client library in one compression mode, as {@link Scenario} drives it. */
public interface Library {

    /** What the library's own cache holds of a guild after its ready state. */
    record CachedGuild(String name, List<Long> textChannels, int channels, List<Long> roles, boolean everyoneRole,
                       boolean selfMember, int members) {}

    /** e.g. "JDA 6.5.0 zlib-stream". */
    String label();

    /** Logs in with the token and returns once the library says it is ready with its guilds. */
    void login(String restBaseUrl) throws Exception;

    /** The guild from the library's cache (no REST call), or null when it has none. */
    CachedGuild cachedGuild(long guildId);

    /** The contents of the messages the library delivered as its own message events, in the order it did. */
    List<String> messages();

    /** How many RESUMED the library reported (its resume event). */
    int resumes();

    /** How many new sessions (READY) the library reported. */
    int readies();

    void shutdown() throws Exception;
}
