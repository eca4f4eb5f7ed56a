package one.derailed.gateway.store;

/**
 * GuildRecord is one row of {@code guilds}.
 *
 * @param icon        the icon hash, or null
 * @param permissions the guild's default permission bits
 */
public record GuildRecord(long id, String name, String icon, long ownerId, long flags, long permissions) {
}
