package one.derailed.gateway.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * GatewayEvent is every dispatch name the gateway knows, with the intent a session needs to receive it from a guild
 * ({@link #guildIntent}) and from its user ({@link #directIntent}, DMs and user-wide events). Events the gateway
 * builds itself (READY, RESUMED, GUILD_CREATE, GUILD_DELETE, GUILD_MEMBERS_CHUNK, PRESENCE_UPDATE) are here too, so
 * a name is written once. A published name that is not here is still delivered, to every session
 * ({@link Intents#NONE}): {@link #of} answers null for it.
 */
public enum GatewayEvent {
    READY(Intents.NONE),
    RESUMED(Intents.NONE),
    GUILD_MEMBERS_CHUNK(Intents.NONE),
    USER_UPDATE(Intents.NONE),

    GUILD_CREATE(Intents.GUILDS),
    GUILD_UPDATE(Intents.GUILDS),
    GUILD_DELETE(Intents.GUILDS),
    GUILD_ROLE_CREATE(Intents.GUILDS),
    GUILD_ROLE_UPDATE(Intents.GUILDS),
    GUILD_ROLE_DELETE(Intents.GUILDS),
    CHANNEL_CREATE(Intents.GUILDS),
    CHANNEL_UPDATE(Intents.GUILDS),
    CHANNEL_DELETE(Intents.GUILDS),
    CHANNEL_PINS_UPDATE(Intents.GUILDS, Intents.DIRECT_MESSAGES),
    THREAD_CREATE(Intents.GUILDS),
    THREAD_UPDATE(Intents.GUILDS),
    THREAD_DELETE(Intents.GUILDS),
    THREAD_LIST_SYNC(Intents.GUILDS),
    THREAD_MEMBER_UPDATE(Intents.GUILDS),
    THREAD_MEMBERS_UPDATE(Intents.GUILDS),
    STAGE_INSTANCE_CREATE(Intents.GUILDS),
    STAGE_INSTANCE_UPDATE(Intents.GUILDS),
    STAGE_INSTANCE_DELETE(Intents.GUILDS),

    GUILD_MEMBER_ADD(Intents.GUILD_MEMBERS),
    GUILD_MEMBER_UPDATE(Intents.GUILD_MEMBERS),
    GUILD_MEMBER_REMOVE(Intents.GUILD_MEMBERS),
    /** Derailed's own name for a member joining ({@code d} carries {@code user_id}). */
    MEMBER_JOIN(Intents.GUILD_MEMBERS),

    GUILD_BAN_ADD(Intents.GUILD_MODERATION),
    GUILD_BAN_REMOVE(Intents.GUILD_MODERATION),
    GUILD_AUDIT_LOG_ENTRY_CREATE(Intents.GUILD_MODERATION),
    GUILD_EMOJIS_UPDATE(Intents.GUILD_EXPRESSIONS),
    GUILD_STICKERS_UPDATE(Intents.GUILD_EXPRESSIONS),
    GUILD_INTEGRATIONS_UPDATE(Intents.GUILD_INTEGRATIONS),
    INTEGRATION_CREATE(Intents.GUILD_INTEGRATIONS),
    INTEGRATION_UPDATE(Intents.GUILD_INTEGRATIONS),
    INTEGRATION_DELETE(Intents.GUILD_INTEGRATIONS),
    WEBHOOKS_UPDATE(Intents.GUILD_WEBHOOKS),
    INVITE_CREATE(Intents.GUILD_INVITES),
    INVITE_DELETE(Intents.GUILD_INVITES),
    VOICE_STATE_UPDATE(Intents.GUILD_VOICE_STATES),
    PRESENCE_UPDATE(Intents.GUILD_PRESENCES),

    MESSAGE_CREATE(Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES),
    MESSAGE_UPDATE(Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES),
    /** Derailed's own name for an edited message. */
    MESSAGE_EDIT(Intents.GUILD_MESSAGES),
    MESSAGE_DELETE(Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES),
    MESSAGE_DELETE_BULK(Intents.GUILD_MESSAGES),
    MESSAGE_REACTION_ADD(Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS),
    MESSAGE_REACTION_REMOVE(Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS),
    MESSAGE_REACTION_REMOVE_ALL(Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS),
    MESSAGE_REACTION_REMOVE_EMOJI(Intents.GUILD_MESSAGE_REACTIONS, Intents.DIRECT_MESSAGE_REACTIONS),
    TYPING_START(Intents.GUILD_MESSAGE_TYPING, Intents.DIRECT_MESSAGE_TYPING),

    GUILD_SCHEDULED_EVENT_CREATE(Intents.GUILD_SCHEDULED_EVENTS),
    GUILD_SCHEDULED_EVENT_UPDATE(Intents.GUILD_SCHEDULED_EVENTS),
    GUILD_SCHEDULED_EVENT_DELETE(Intents.GUILD_SCHEDULED_EVENTS),
    GUILD_SCHEDULED_EVENT_USER_ADD(Intents.GUILD_SCHEDULED_EVENTS),
    GUILD_SCHEDULED_EVENT_USER_REMOVE(Intents.GUILD_SCHEDULED_EVENTS),
    AUTO_MODERATION_RULE_CREATE(Intents.AUTO_MODERATION_CONFIGURATION),
    AUTO_MODERATION_RULE_UPDATE(Intents.AUTO_MODERATION_CONFIGURATION),
    AUTO_MODERATION_RULE_DELETE(Intents.AUTO_MODERATION_CONFIGURATION),
    AUTO_MODERATION_ACTION_EXECUTION(Intents.AUTO_MODERATION_EXECUTION),
    MESSAGE_POLL_VOTE_ADD(Intents.GUILD_MESSAGE_POLLS, Intents.DIRECT_MESSAGE_POLLS),
    MESSAGE_POLL_VOTE_REMOVE(Intents.GUILD_MESSAGE_POLLS, Intents.DIRECT_MESSAGE_POLLS);

    private static final Map<String, GatewayEvent> BY_NAME = new HashMap<>();

    static {
        for (GatewayEvent event : values()) {
            BY_NAME.put(event.name(), event);
        }
    }

    private final int guildIntent;
    private final int directIntent;

    GatewayEvent(int guildIntent) {
        this(guildIntent, Intents.NONE);
    }

    GatewayEvent(int guildIntent, int directIntent) {
        this.guildIntent = guildIntent;
        this.directIntent = directIntent;
    }

    /** The event called {@code name}, or null for a name the gateway does not know (delivered to everyone). */
    public static GatewayEvent of(String name) {
        return BY_NAME.get(name);
    }

    /** The intent a guild event called {@code name} needs; {@link Intents#NONE} for a name not known here. */
    public static int guildIntentOf(String name) {
        GatewayEvent event = of(name);
        return event == null ? Intents.NONE : event.guildIntent;
    }

    /** The intent an event called {@code name} published to a user needs; {@link Intents#NONE} if not known. */
    public static int directIntentOf(String name) {
        GatewayEvent event = of(name);
        return event == null ? Intents.NONE : event.directIntent;
    }

    /** Whether an event called {@code name} carries message content, which MESSAGE_CONTENT governs. */
    public static boolean carriesMessageContent(String name) {
        GatewayEvent event = of(name);
        return event != null && event.carriesMessageContent();
    }

    /** The intent a session needs to receive this event from a guild, or {@link Intents#NONE}. */
    public int guildIntent() {
        return guildIntent;
    }

    /** The intent a session needs to receive this event published to its user, or {@link Intents#NONE}. */
    public int directIntent() {
        return directIntent;
    }

    /** Whether the event carries message content, which MESSAGE_CONTENT governs. */
    public boolean carriesMessageContent() {
        return this == MESSAGE_CREATE || this == MESSAGE_UPDATE || this == MESSAGE_EDIT;
    }
}
