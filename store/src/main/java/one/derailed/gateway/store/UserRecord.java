package one.derailed.gateway.store;

/**
 * UserRecord is one row of {@code users}, without its password: the password hash never leaves the store.
 *
 * @param email      null when the user has none (bots, system users)
 * @param avatar     the avatar hash, or null
 * @param globalName the display name, or null
 */
public record UserRecord(
        long id,
        String username,
        String discriminator,
        String email,
        int flags,
        boolean system,
        boolean bot,
        boolean suspended,
        String avatar,
        String globalName) {
}
