package one.derailed.gateway.core.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.GuildRecord;

/**
 * GuildObject encodes Discord's guild object (docs: resources/guild, "Guild Object"): the guild's own fields, without
 * the lists GUILD_CREATE adds ({@link GuildCreateObject}). The store has id, name, icon, owner_id and permissions;
 * every other field Discord always sends gets Discord's default for a new guild: afk_timeout 300;
 * verification_level, default_message_notifications, explicit_content_filter, mfa_level, nsfw_level, premium_tier,
 * premium_subscription_count, system_channel_flags 0; preferred_locale "en-US"; features, emojis, stickers [];
 * premium_progress_bar_enabled, nsfw, widget_enabled false; max_members 500000, max_video_channel_users 25,
 * max_stage_video_channel_users 50; every channel id, splash, banner, description, vanity_url_code,
 * application_id, hub_type and incidents_data null.
 */
public final class GuildObject {
    static final String DEFAULT_LOCALE = "en-US";

    private GuildObject() {}

    public static ObjectNode of(GuildRecord guild) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", Long.toString(guild.id()));
        node.put("name", guild.name());
        node.put("icon", guild.icon());
        node.putNull("icon_hash");
        node.putNull("splash");
        node.putNull("discovery_splash");
        node.put("owner_id", Long.toString(guild.ownerId()));
        node.put("permissions", Long.toString(guild.permissions()));
        node.putNull("afk_channel_id");
        node.put("afk_timeout", 300);
        node.put("widget_enabled", false);
        node.putNull("widget_channel_id");
        node.put("verification_level", 0);
        node.put("default_message_notifications", 0);
        node.put("explicit_content_filter", 0);
        node.putArray("features");
        node.put("mfa_level", 0);
        node.putNull("application_id");
        node.putNull("system_channel_id");
        node.put("system_channel_flags", 0);
        node.putNull("rules_channel_id");
        node.put("max_members", 500_000);
        node.putNull("vanity_url_code");
        node.putNull("description");
        node.putNull("banner");
        node.put("premium_tier", 0);
        node.put("premium_subscription_count", 0);
        node.put("preferred_locale", DEFAULT_LOCALE);
        node.putNull("public_updates_channel_id");
        node.put("max_video_channel_users", 25);
        node.put("max_stage_video_channel_users", 50);
        node.put("nsfw_level", 0);
        node.put("nsfw", false);
        node.put("premium_progress_bar_enabled", false);
        node.putNull("safety_alerts_channel_id");
        node.putNull("incidents_data");
        node.putNull("hub_type");
        node.putArray("emojis");
        node.putArray("stickers");
        return node;
    }
}
