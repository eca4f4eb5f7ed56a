package one.derailed.gateway.core.guild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import one.derailed.gateway.protocol.Json;
import org.junit.jupiter.api.Test;

/** What a receiver without MESSAGE_CONTENT gets of a message event: Discord's emptied fields, quoted messages too. */
class MessageContentTest {
    private static final long AUTHOR = 11;
    private static final long MENTIONED = 12;
    private static final long QUOTED_AUTHOR = 13;
    private static final long STRANGER = 14;

    private static MessageContent of(String json) {
        return MessageContent.of(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode stripped(MessageContent message) throws Exception {
        return Json.MAPPER.readTree(message.withoutContent());
    }

    private static final String FULL = """
            {"id":"1","author":{"id":"11"},"mentions":[{"id":"12"}],"content":"secret",
             "embeds":[{"title":"t"}],"attachments":[{"id":"5","filename":"a.png"}],
             "components":[{"type":1,"components":[]}],"poll":{"question":{"text":"?"}},
             "referenced_message":{"id":"0","author":{"id":"13"},"content":"quoted secret",
                                   "embeds":[{"title":"q"}],"attachments":[],"components":[],
                                   "poll":{"question":{"text":"old?"}}},
             "message_snapshots":[{"message":{"content":"forwarded secret","embeds":[{"title":"f"}],
                                              "attachments":[{"id":"6"}],"components":[]}}],
             "tts":false}""";

    @Test
    void everyContentFieldIsEmptiedAndThePollLeftOutNestedMessagesToo() throws Exception {
        JsonNode d = stripped(of(FULL));
        assertThat(d.get("content").textValue()).isEmpty();
        assertThat(d.get("embeds")).isEmpty();
        assertThat(d.get("attachments")).isEmpty();
        assertThat(d.get("components")).isEmpty();
        assertThat(d.has("poll")).isFalse();
        JsonNode quoted = d.get("referenced_message");
        assertThat(quoted.get("content").textValue()).isEmpty();
        assertThat(quoted.get("embeds")).isEmpty();
        assertThat(quoted.has("poll")).isFalse();
        JsonNode forwarded = d.at("/message_snapshots/0/message");
        assertThat(forwarded.get("content").textValue()).isEmpty();
        assertThat(forwarded.get("embeds")).isEmpty();
        assertThat(forwarded.get("attachments")).isEmpty();
        assertThat(d.toString()).doesNotContain("secret", "\"t\"", "a.png", "old?");
        // What is not content stays as it was.
        assertThat(d.get("id").asText()).isEqualTo("1");
        assertThat(d.at("/referenced_message/author/id").asText()).isEqualTo("13");
        assertThat(d.get("tts").booleanValue()).isFalse();
    }

    @Test
    void theAuthorAndTheMentionedSeeAMessageAsSent() {
        MessageContent plain = of("{\"author\":{\"id\":\"11\"},\"mentions\":[{\"id\":\"12\"}],\"content\":\"hi\"}");
        assertThat(plain.seenInFullBy(AUTHOR)).isTrue();
        assertThat(plain.seenInFullBy(MENTIONED)).isTrue();
        assertThat(plain.seenInFullBy(STRANGER)).isFalse();
    }

    @Test
    void aQuotedMessageIsSeenOnlyByWhoMaySeeItToo() {
        MessageContent reply = of(FULL);
        // Mentioned in the reply, but the quoted message is someone else's and the forward mentions nobody.
        assertThat(reply.seenInFullBy(MENTIONED)).isFalse();
        assertThat(reply.seenInFullBy(QUOTED_AUTHOR)).isFalse();

        MessageContent replyToTheBot = of("""
                {"author":{"id":"11"},"mentions":[{"id":"12"}],"content":"thanks",
                 "referenced_message":{"author":{"id":"12"},"content":"bot answer"}}""");
        assertThat(replyToTheBot.seenInFullBy(MENTIONED)).isTrue();
        assertThat(replyToTheBot.seenInFullBy(AUTHOR)).isFalse();
    }

    @Test
    void quotedMessagesWithoutContentHideNothing() throws Exception {
        MessageContent reply = of("""
                {"author":{"id":"11"},"content":"mine",
                 "referenced_message":{"author":{"id":"13"},"content":"","embeds":[]}}""");
        assertThat(reply.seenInFullBy(AUTHOR)).isTrue();
        assertThat(stripped(reply).get("content").textValue()).isEmpty();
    }

    @Test
    void aPartialUpdateGetsNoFieldsItDidNotCarry() throws Exception {
        JsonNode d = stripped(of("{\"id\":\"1\",\"embeds\":[{\"title\":\"late embed\"}]}"));
        assertThat(d.get("embeds")).isEmpty();
        assertThat(d.has("content")).isFalse();
        assertThat(d.has("attachments")).isFalse();
    }

    @Test
    void somethingThatIsNotAnObjectPassesAsItIs() {
        assertThat(new String(of("[1,2]").withoutContent(), StandardCharsets.UTF_8)).isEqualTo("[1,2]");
        assertThat(of("[1,2]").seenInFullBy(STRANGER)).isTrue();
    }
}
