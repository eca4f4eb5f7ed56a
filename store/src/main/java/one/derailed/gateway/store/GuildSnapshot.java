package one.derailed.gateway.store;

import java.util.List;
import java.util.Objects;

/**
 * GuildSnapshot is what a guild entity loads when it starts: the guild, its roles and channels (each ordered by
 * position, then id) and how many members it has. The lists are unmodifiable.
 */
public record GuildSnapshot(GuildRecord guild, List<RoleRecord> roles, List<ChannelRecord> channels, long memberCount) {

    public GuildSnapshot {
        Objects.requireNonNull(guild, "guild");
        roles = List.copyOf(roles);
        channels = List.copyOf(channels);
    }
}
