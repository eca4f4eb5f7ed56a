package one.derailed.gateway.protocol;

/**
 * Intents are the bits a client sets in IDENTIFY to choose which events it receives. {@link GatewayEvent} gives the
 * one bit each event needs, so filtering a recipient costs one bit test.
 */
public final class Intents {
    public static final int GUILDS = 1;
    public static final int GUILD_MEMBERS = 1 << 1;
    public static final int GUILD_MODERATION = 1 << 2;
    public static final int GUILD_EXPRESSIONS = 1 << 3;
    public static final int GUILD_INTEGRATIONS = 1 << 4;
    public static final int GUILD_WEBHOOKS = 1 << 5;
    public static final int GUILD_INVITES = 1 << 6;
    public static final int GUILD_VOICE_STATES = 1 << 7;
    public static final int GUILD_PRESENCES = 1 << 8;
    public static final int GUILD_MESSAGES = 1 << 9;
    public static final int GUILD_MESSAGE_REACTIONS = 1 << 10;
    public static final int GUILD_MESSAGE_TYPING = 1 << 11;
    public static final int DIRECT_MESSAGES = 1 << 12;
    public static final int DIRECT_MESSAGE_REACTIONS = 1 << 13;
    public static final int DIRECT_MESSAGE_TYPING = 1 << 14;
    public static final int MESSAGE_CONTENT = 1 << 15;
    public static final int GUILD_SCHEDULED_EVENTS = 1 << 16;
    public static final int AUTO_MODERATION_CONFIGURATION = 1 << 20;
    public static final int AUTO_MODERATION_EXECUTION = 1 << 21;
    public static final int GUILD_MESSAGE_POLLS = 1 << 24;
    public static final int DIRECT_MESSAGE_POLLS = 1 << 25;

    /** Every intent Discord defines; a value with any other bit set is refused with 4013. */
    public static final int ALL = GUILDS | GUILD_MEMBERS | GUILD_MODERATION | GUILD_EXPRESSIONS | GUILD_INTEGRATIONS
            | GUILD_WEBHOOKS | GUILD_INVITES | GUILD_VOICE_STATES | GUILD_PRESENCES | GUILD_MESSAGES
            | GUILD_MESSAGE_REACTIONS | GUILD_MESSAGE_TYPING | DIRECT_MESSAGES | DIRECT_MESSAGE_REACTIONS
            | DIRECT_MESSAGE_TYPING | MESSAGE_CONTENT | GUILD_SCHEDULED_EVENTS | AUTO_MODERATION_CONFIGURATION
            | AUTO_MODERATION_EXECUTION | GUILD_MESSAGE_POLLS | DIRECT_MESSAGE_POLLS;

    /** The privileged intents: bots get them only when configuration grants them. */
    public static final int PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;

    /** Events that always reach a session, whatever its intents (READY, RESUMED, its own user's updates, ...). */
    public static final int NONE = 0;

    private Intents() {}

    /** Whether {@code intents} lets an event that needs {@code required} through. */
    public static boolean allows(int intents, int required) {
        return (intents & required) == required;
    }
}
