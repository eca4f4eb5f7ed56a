package one.derailed.gateway.store;

/**
 * ChannelRecord is one row of {@code channels}; {@code type} is Discord's channel type (0 text, 2 voice, 4 category).
 *
 * @param parentId      the category the channel sits in, or null
 * @param topic         the topic, or null
 * @param lastMessageId the newest message's id, or null when there is none
 */
public record ChannelRecord(
        long id,
        long guildId,
        int type,
        String name,
        int position,
        Long parentId,
        String topic,
        Long lastMessageId) {
}
