package one.derailed.gateway.store;

/**
 * RoleRecord is one row of {@code roles}; the guild's @everyone role has the guild's id.
 */
public record RoleRecord(
        long id,
        long guildId,
        String name,
        long permissions,
        int position,
        int color,
        boolean hoist,
        boolean mentionable) {
}
