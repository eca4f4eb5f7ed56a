package one.derailed.gateway.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Samples makes the JSON the benchmarks work on: MESSAGE_CREATE data of a chosen size, ids and words varying. */
final class Samples {
    private static final String[] WORDS = {"the", "gateway", "sends", "events", "to", "every", "session", "hello",
            "world", "deploy", "friday", "lunch", "anyone", "seen", "this", "bug", "works", "on", "my", "machine",
            "ship", "it", "review", "please", "thanks", "ok", "meeting", "tomorrow", "build", "green", "again"};

    private Samples() {}

    /** The {@code d} of a MESSAGE_CREATE of about {@code bytes} bytes (never less than its fixed fields). */
    static byte[] messageCreate(Random random, int bytes) {
        long guild = 1_200_000_000_000_000_000L + random.nextInt(1000);
        long id = 1_300_000_000_000_000_000L + random.nextLong(1_000_000_000_000L);
        long author = 1_100_000_000_000_000_000L + random.nextInt(100_000);
        StringBuilder content = new StringBuilder();
        String head = "{\"id\":\"" + id + "\",\"channel_id\":\"" + (guild + 1) + "\",\"guild_id\":\"" + guild
                + "\",\"author\":{\"id\":\"" + author + "\",\"username\":\"user" + (author % 100_000)
                + "\",\"discriminator\":\"0\",\"global_name\":\"User " + (author % 1000)
                + "\",\"avatar\":null},\"content\":\"";
        String tail = "\",\"timestamp\":\"2025-11-28T03:57:00.000000+00:00\",\"edited_timestamp\":null,\"tts\":false,"
                + "\"mention_everyone\":false,\"mentions\":[],\"mention_roles\":[],\"attachments\":[],\"embeds\":[],"
                + "\"nonce\":\"" + random.nextLong(Long.MAX_VALUE) + "\",\"pinned\":false,\"type\":0}";
        int room = Math.max(8, bytes - head.length() - tail.length());
        while (content.length() < room) {
            content.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        content.setLength(room);
        return (head + content + tail).getBytes(StandardCharsets.UTF_8);
    }
}
