package one.derailed.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SampleEvents makes realistic gateway dispatches from a seed: MESSAGE_CREATE (~500 B with an author object),
 * PRESENCE_UPDATE, TYPING_START and the GUILD_CREATE of a guild of a given size (~380 KB at 1,000 members: every
 * member with its user object and roles, a presence for the fifth of them that is online). Ids are snowflakes, names
 * and text vary.
 */
final class SampleEvents {
    private static final String[] WORDS = {"the", "gateway", "sends", "events", "to", "every", "session", "hello",
            "world", "deploy", "friday", "lunch", "anyone", "seen", "this", "bug", "works", "on", "my", "machine",
            "ship", "it", "pr", "review", "please", "thanks", "lol", "ok", "when", "meeting", "tomorrow", "build",
            "green", "again", "zstd", "zlib", "faster", "message", "channel", "guild"};
    private static final String[] STATUSES = {"online", "idle", "dnd", "online", "online"};

    private final Random random;
    private final long guildId;
    private final long[] channels;
    private final long[] roles;
    private final long[] users;
    private final String[] names;
    private long seq;
    private long nextId = 1_200_000_000_000_000_000L;

    SampleEvents(long seed, int members) {
        this.random = new Random(seed);
        this.guildId = snowflake();
        this.channels = new long[24];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = snowflake();
        }
        this.roles = new long[12];
        for (int i = 0; i < roles.length; i++) {
            roles[i] = snowflake();
        }
        this.users = new long[members];
        this.names = new String[members];
        for (int i = 0; i < members; i++) {
            users[i] = snowflake();
            names[i] = word() + "_" + word() + random.nextInt(1000);
        }
    }

    private long snowflake() {
        nextId += 1 + random.nextInt(1 << 22) * 4096L;
        return nextId;
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private String sentence(int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(word());
        }
        return text.toString();
    }

    private int someone() {
        return random.nextInt(users.length);
    }

    /** The user object as the gateway writes it; like real users, many have no global name or avatar. */
    private String user(int i) {
        String globalName = users[i] % 5 < 3 ? "\"" + names[i].toUpperCase() + "\"" : "null";
        String avatar = users[i] % 7 < 4 ? "\"" + Long.toHexString(users[i] * 31) + Long.toHexString(users[i] * 17)
                + "\"" : "null";
        return "{\"id\":\"" + users[i] + "\",\"username\":\"" + names[i] + "\",\"discriminator\":\"0\","
                + "\"global_name\":" + globalName + ",\"avatar\":" + avatar + ",\"bot\":false,\"system\":false,"
                + "\"flags\":0,\"public_flags\":0}";
    }

    private String member(int i) {
        StringBuilder roleIds = new StringBuilder();
        int count = 1 + random.nextInt(3);
        for (int r = 0; r < count; r++) {
            roleIds.append(r == 0 ? "" : ",").append('"').append(roles[random.nextInt(roles.length)]).append('"');
        }
        return "{\"user\":" + user(i) + ",\"nick\":null,\"roles\":[" + roleIds + "],\"joined_at\":\"2024-0"
                + (1 + random.nextInt(9)) + "-1" + random.nextInt(10) + "T1" + random.nextInt(10) + ":2"
                + random.nextInt(10) + ":0" + random.nextInt(10)
                + ".000000+00:00\",\"deaf\":false,\"mute\":false,\"flags\":0}";
    }

    private String presence(int i) {
        String status = STATUSES[random.nextInt(STATUSES.length)];
        String activities = random.nextInt(3) == 0
                ? "[{\"name\":\"" + sentence(2) + "\",\"type\":0,\"created_at\":" + (1_700_000_000_000L
                + random.nextInt(1_000_000_000)) + "}]" : "[]";
        return "{\"user\":{\"id\":\"" + users[i] + "\"},\"guild_id\":\"" + guildId + "\",\"status\":\"" + status
                + "\",\"activities\":" + activities + ",\"client_status\":{\"desktop\":\"" + status + "\"}}";
    }

    private byte[] dispatch(String event, String d) {
        return ServerFrames.dispatch(++seq, event, d.getBytes(StandardCharsets.UTF_8)).toBytes();
    }

    byte[] messageCreate() {
        int author = someone();
        long channel = channels[random.nextInt(channels.length)];
        return dispatch("MESSAGE_CREATE", "{\"id\":\"" + snowflake() + "\",\"channel_id\":\"" + channel
                + "\",\"guild_id\":\"" + guildId + "\",\"author\":" + user(author) + ",\"member\":{\"roles\":[\""
                + roles[random.nextInt(roles.length)] + "\"],\"joined_at\":\"2024-03-12T10:20:30.000000+00:00\","
                + "\"deaf\":false,\"mute\":false},\"content\":\"" + sentence(4 + random.nextInt(20))
                + "\",\"timestamp\":\"2025-06-0" + (1 + random.nextInt(9)) + "T12:3" + random.nextInt(10) + ":"
                + (10 + random.nextInt(50)) + ".123000+00:00\",\"edited_timestamp\":null,\"tts\":false,"
                + "\"mention_everyone\":false,\"mentions\":[],\"mention_roles\":[],\"attachments\":[],\"embeds\":[],"
                + "\"pinned\":false,\"type\":0,\"flags\":0,\"nonce\":\"" + snowflake() + "\"}");
    }

    byte[] presenceUpdate() {
        return dispatch("PRESENCE_UPDATE", presence(someone()));
    }

    byte[] typingStart() {
        int who = someone();
        return dispatch("TYPING_START", "{\"channel_id\":\"" + channels[random.nextInt(channels.length)]
                + "\",\"guild_id\":\"" + guildId + "\",\"user_id\":\"" + users[who] + "\",\"timestamp\":"
                + (1_750_000_000 + random.nextInt(1_000_000)) + ",\"member\":{\"user\":" + user(who)
                + ",\"roles\":[],\"joined_at\":\"2024-03-12T10:20:30.000000+00:00\",\"deaf\":false,\"mute\":false}}");
    }

    /** The guild's GUILD_CREATE with every member and every member's presence. */
    byte[] guildCreate() {
        StringBuilder d = new StringBuilder(users.length * 400);
        d.append("{\"id\":\"").append(guildId).append("\",\"name\":\"").append(sentence(2))
                .append("\",\"icon\":null,\"owner_id\":\"").append(users[0]).append("\",\"roles\":[");
        for (int r = 0; r < roles.length; r++) {
            d.append(r == 0 ? "" : ",").append("{\"id\":\"").append(roles[r]).append("\",\"name\":\"")
                    .append(word()).append("\",\"permissions\":\"").append(random.nextLong() & 0xffffffffffL)
                    .append("\",\"position\":").append(r).append(",\"color\":").append(random.nextInt(0xffffff))
                    .append(",\"hoist\":false,\"mentionable\":false}");
        }
        d.append("],\"channels\":[");
        for (int c = 0; c < channels.length; c++) {
            d.append(c == 0 ? "" : ",").append("{\"id\":\"").append(channels[c]).append("\",\"type\":0,")
                    .append("\"guild_id\":\"").append(guildId).append("\",\"name\":\"").append(word()).append('-')
                    .append(word()).append("\",\"position\":").append(c).append(",\"parent_id\":null,\"topic\":\"")
                    .append(sentence(6)).append("\",\"last_message_id\":\"").append(snowflake()).append("\"}");
        }
        d.append("],\"members\":[");
        for (int m = 0; m < users.length; m++) {
            d.append(m == 0 ? "" : ",").append(member(m));
        }
        d.append("],\"presences\":[");
        // About one member in five is online; only they have a presence.
        boolean first = true;
        for (int m = 0; m < users.length; m++) {
            if (users[m] % 5 == 0) {
                d.append(first ? "" : ",").append(presence(m));
                first = false;
            }
        }
        d.append("],\"member_count\":").append(users.length).append(",\"large\":").append(users.length > 250)
                .append(",\"joined_at\":\"2024-01-01T00:00:00.000000+00:00\",\"unavailable\":false,\"emojis\":[],")
                .append("\"stickers\":[],\"features\":[]}");
        return dispatch("GUILD_CREATE", d.toString());
    }

    /**
     * A session's traffic: its GUILD_CREATE, then {@code events} small events in the mix 40 % PRESENCE_UPDATE, 30 %
     * MESSAGE_CREATE, 30 % TYPING_START.
     */
    List<byte[]> session(int events) {
        List<byte[]> messages = new ArrayList<>(events + 1);
        messages.add(guildCreate());
        for (int i = 0; i < events; i++) {
            int pick = random.nextInt(10);
            messages.add(pick < 4 ? presenceUpdate() : pick < 7 ? messageCreate() : typingStart());
        }
        return messages;
    }
}
