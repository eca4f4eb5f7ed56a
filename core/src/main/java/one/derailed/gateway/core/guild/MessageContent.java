package one.derailed.gateway.core.guild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import one.derailed.gateway.core.discord.JsonBytes;

/**
 * MessageContent is what the MESSAGE_CONTENT intent governs in one message event, read once per event: who may see
 * it as sent, and the same event emptied as Discord sends it to the others.
 *
 * <p>Discord's rule: without the intent, a message's {@code content}, {@code embeds}, {@code attachments} and
 * {@code components} arrive empty and its {@code poll} not at all, except for the message's author and the users it
 * mentions. An event also carries other messages: the one it replies to ({@code referenced_message}) and the ones it
 * forwards ({@code message_snapshots[].message}). Each is emptied the same way, and a receiver sees the event as sent
 * only when it may see every message in it that has content (it wrote or is mentioned in each); otherwise it gets
 * the emptied copy, so nothing reaches a receiver through a quote that it could not see directly. The copy is built
 * once per event, not per receiver.
 */
final class MessageContent {
    /** The fields Discord empties, with what it puts in their place; {@link #POLL} is left out instead. */
    private static final List<String> EMPTIED_ARRAYS = List.of("embeds", "attachments", "components");
    private static final String CONTENT = "content";
    private static final String POLL = "poll";
    private static final String REFERENCED = "referenced_message";
    private static final String SNAPSHOTS = "message_snapshots";

    private final JsonNode event;
    /** For each message of the event that has content: who may see it (its author and mentioned users). */
    private final List<Set<Long>> readers = new ArrayList<>();

    private MessageContent(JsonNode event) {
        this.event = event;
        for (JsonNode message : messagesOf(event)) {
            if (hasContent(message)) {
                readers.add(readersOf(message));
            }
        }
    }

    static MessageContent of(byte[] data) {
        return new MessageContent(GuildDocument.parse(data));
    }

    /** Whether {@code userId} sees the event as sent although it lacks MESSAGE_CONTENT. */
    boolean seenInFullBy(long userId) {
        for (Set<Long> allowed : readers) {
            if (!allowed.contains(userId)) {
                return false;
            }
        }
        return true;
    }

    /** The event with every message in it emptied. */
    byte[] withoutContent() {
        if (!event.isObject()) {
            return JsonBytes.bytes(event);
        }
        ObjectNode copy = ((ObjectNode) event).deepCopy();
        for (JsonNode message : messagesOf(copy)) {
            empty((ObjectNode) message);
        }
        return JsonBytes.bytes(copy);
    }

    /** The event's own message, the message it replies to, and the messages it forwards: every object among them. */
    private static List<JsonNode> messagesOf(JsonNode event) {
        List<JsonNode> messages = new ArrayList<>(2);
        if (!event.isObject()) {
            return messages;
        }
        messages.add(event);
        JsonNode referenced = event.get(REFERENCED);
        if (referenced != null && referenced.isObject()) {
            messages.add(referenced);
            forwarded(referenced, messages);
        }
        forwarded(event, messages);
        return messages;
    }

    private static void forwarded(JsonNode message, List<JsonNode> into) {
        JsonNode snapshots = message.get(SNAPSHOTS);
        if (snapshots == null || !snapshots.isArray()) {
            return;
        }
        for (JsonNode snapshot : snapshots) {
            JsonNode forwarded = snapshot.get("message");
            if (forwarded != null && forwarded.isObject()) {
                into.add(forwarded);
            }
        }
    }

    private static boolean hasContent(JsonNode message) {
        JsonNode content = message.get(CONTENT);
        if (content != null && !(content.isTextual() && content.textValue().isEmpty()) && !content.isNull()) {
            return true;
        }
        for (String field : EMPTIED_ARRAYS) {
            JsonNode value = message.get(field);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                return true;
            }
        }
        return message.has(POLL);
    }

    private static Set<Long> readersOf(JsonNode message) {
        Set<Long> allowed = new HashSet<>();
        long author = MemberEvents.snowflake(message.path("author").path("id"));
        if (author != 0) {
            allowed.add(author);
        }
        for (JsonNode mention : message.path("mentions")) {
            long id = MemberEvents.snowflake(mention.path("id"));
            if (id != 0) {
                allowed.add(id);
            }
        }
        return allowed;
    }

    /** Empties the fields a message has; a field it does not carry (a partial update) is not added. */
    private static void empty(ObjectNode message) {
        if (message.has(CONTENT)) {
            message.put(CONTENT, "");
        }
        for (String field : EMPTIED_ARRAYS) {
            if (message.has(field)) {
                message.putArray(field);
            }
        }
        message.remove(POLL);
    }
}
