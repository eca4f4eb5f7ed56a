package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import one.derailed.gateway.grpc.PublishRules.CheckedEvent;
import one.derailed.grpc.Message;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishRulesTest {

    private static void assertInvalid(ThrowingCallable call, String descriptionPart) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(descriptionPart);
                });
    }

    @Test
    void snowflakesAreDecimalDigitsOfAPositiveLong() {
        assertThat(PublishRules.snowflake("guild_id", "1")).isEqualTo(1L);
        assertThat(PublishRules.snowflake("guild_id", "1234567890123456789")).isEqualTo(1234567890123456789L);
        assertThat(PublishRules.snowflake("guild_id", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(PublishRules.snowflake("guild_id", "007")).isEqualTo(7L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "+1", "0", "000", "9223372036854775808", "99999999999999999999999", "",
            " ", " 1", "1 ", "1.0", "1e3", "0x10", "١٢٣", "１２"})
    void rejectsEverythingElseNamingTheField(String id) {
        assertInvalid(() -> PublishRules.snowflake("user_id", id), "user_id must be a decimal snowflake");
    }

    @Test
    void echoesTheBadValue() {
        assertInvalid(() -> PublishRules.snowflake("guild_id", "abc"),
                "guild_id must be a decimal snowflake, got 'abc'");
        assertInvalid(() -> PublishRules.snowflake("guild_id", "0"), "greater than 0");
        assertInvalid(() -> PublishRules.snowflake("guild_id", "9223372036854775808"), "no larger than");
        assertInvalid(() -> PublishRules.snowflake("guild_id", "x".repeat(10_000)), "...'");
    }

    @Test
    void anEventNeedsAMessage() {
        assertInvalid(() -> PublishRules.event(null, 1 << 20), "message is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MESSAGE_CREATE", "A", "GUILD_MEMBERS_CHUNK", "X1_2", "_"})
    void acceptsEventNames(String name) {
        CheckedEvent event = PublishRules.event(Message.newBuilder().setEvent(name).setData("{}").build(), 1 << 20);
        assertThat(event.name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "message_create", "MESSAGE-CREATE", "MESSAGE CREATE", " MESSAGE_CREATE", "É",
            "MESSAGE_CREATE\n"})
    void rejectsBadEventNamesWithTheRule(String name) {
        assertInvalid(() -> PublishRules.event(Message.newBuilder().setEvent(name).setData("{}").build(), 1 << 20),
                "event must be 1 to 64 characters of A-Z, 0-9 and _");
    }

    @Test
    void eventNamesAreAtMost64Characters() {
        assertThat(PublishRules.isEventName("A".repeat(64))).isTrue();
        assertThat(PublishRules.isEventName("A".repeat(65))).isFalse();
    }

    @Test
    void keepsTheExactDataBytes() {
        String data = "{ \"content\" : \"h\\u00e9llo é 😀\" ,\"n\":1.50e3 }";
        CheckedEvent event = PublishRules.event(Message.newBuilder().setEvent("X").setData(data).build(), 1 << 20);
        assertThat(event.data()).isEqualTo(data.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "not json", "{} trailing", "{\"a\":", "{'a':1}"})
    void rejectsDataThatIsNotJson(String data) {
        assertInvalid(() -> PublishRules.event(Message.newBuilder().setEvent("X").setData(data).build(), 1 << 20),
                "data must be JSON text: ");
    }
}
