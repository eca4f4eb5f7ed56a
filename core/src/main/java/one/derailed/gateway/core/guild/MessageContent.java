package one.derailed.gateway.core.guild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import one.derailed.gateway.core.discord.JsonBytes;

/**
 * MessageContent is what the MESSAGE_CONTENT intent governs in one message event, read once per event: who sees the
 * content anyway (its author, and users it mentions), and the same event with content, embeds, attachments and
 * components emptied, as Discord sends it to the others.
 */
final class MessageContent {
    private final JsonNode message;
    private final long authorId;
    private final Set<Long> mentioned = new HashSet<>();

    private MessageContent(JsonNode message) {
        this.message = message;
        this.authorId = MemberEvents.snowflake(message.path("author").path("id"));
        for (JsonNode mention : message.path("mentions")) {
            long id = MemberEvents.snowflake(mention.path("id"));
            if (id != 0) {
                mentioned.add(id);
            }
        }
    }

    static MessageContent of(byte[] data) {
        return new MessageContent(GuildDocument.parse(data));
    }

    boolean seenInFullBy(long userId) {
        return userId == authorId || mentioned.contains(userId);
    }

    byte[] withoutContent() {
        if (!message.isObject()) {
            return JsonBytes.bytes(message);
        }
        ObjectNode stripped = ((ObjectNode) message).deepCopy();
        stripped.put("content", "");
        stripped.putArray("embeds");
        stripped.putArray("attachments");
        stripped.putArray("components");
        return JsonBytes.bytes(stripped);
    }
}
