package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", "[]", "{\"a\":1}", "[1,\"two\",3.5,-4e-2,true,false,null,{},[]]", "\"text\"", "\"\"", "0", "-0",
            "12345678901234567890123", "1.5E+10", "true", "false", "null",
            " \t\r\n{ \"spaced\" : [ 1 , 2 ] } \n", "\"\\u00e9\\n\\\"\\\\\\/\"", "{\"content\":\"héllo 😀\"}",
            "{\"a\":{\"b\":{\"c\":[{\"d\":null}]}}}"})
    void acceptsOneValue(String text) {
        assertThat(JsonText.problemWith(utf8(text))).isEmpty();
        assertThat(JsonText.isValid(utf8(text))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} x", "{}{}", "[1] 2", "1 2", "\"a\" \"b\"", "null null", "true,", "{}]", "12a"})
    void rejectsTrailingContent(String text) {
        assertThat(JsonText.problemWith(utf8(text))).isPresent();
    }

    @Test
    void saysWhatFollowedTheValue() {
        assertThat(JsonText.problemWith(utf8("{\"a\":1} {\"b\":2}")))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("unexpected object after the value")
                        .contains("column 9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[1,2", "{\"a\":", "\"abc", "[{}", "{\"a\":[1,{\"b\":2}", "-", "1e", "tru"})
    void rejectsUnterminatedValues(String text) {
        assertThat(JsonText.problemWith(utf8(text))).isPresent();
    }

    @Test
    void unterminatedObjectReasonIsShortAndSaysWhere() {
        assertThat(JsonText.problemWith(utf8("{\"a\":1")))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("Unexpected end-of-input")
                        .contains("line 1, column")
                        .doesNotContain("REDACTED")
                        .doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t\r "})
    void rejectsEmptyText(String text) {
        assertThat(JsonText.problemWith(utf8(text))).hasValue("no value (the text is empty or only whitespace)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'a':1}", "{a:1}", "{\"a\":1,}", "[1,]", "NaN", "Infinity", "01", "1.", ".5", "+1", "/*c*/{}",
            "{\"a\" 1}", "\"a\u0001b\"", "\"\\q\"", "\"\\u12\"", "undefined", "True", "[1]]"})
    void rejectsMalformedText(String text) {
        assertThat(JsonText.problemWith(utf8(text))).isPresent();
    }

    @Test
    void rejectsByteOrderMarkAndOtherEncodings() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        byte[] utf16le = "{}".getBytes(StandardCharsets.UTF_16LE);
        byte[] utf16be = "{}".getBytes(StandardCharsets.UTF_16BE);
        byte[] utf16Bom = "{}".getBytes(StandardCharsets.UTF_16);
        byte[] utf32 = {0, 0, 0, '1'};
        for (byte[] text : new byte[][] {bom, utf16le, utf16be, utf16Bom, utf32}) {
            assertThat(JsonText.problemWith(text)).as("%d bytes", text.length).isPresent();
        }
    }

    @Test
    void rejectsNulBytes() {
        assertThat(JsonText.problemWith(new byte[] {'{', '}', 0})).isPresent();
        assertThat(JsonText.problemWith(new byte[] {' ', ' ', ' ', ' ', '"', 0, '"'})).isPresent();
    }

    @Test
    void acceptsDeepNestingUpToTheLimit() {
        String deepest = "[".repeat(JsonText.MAX_DEPTH) + "]".repeat(JsonText.MAX_DEPTH);
        String objects = "{\"a\":".repeat(JsonText.MAX_DEPTH) + "1" + "}".repeat(JsonText.MAX_DEPTH);
        assertThat(JsonText.problemWith(utf8(deepest))).isEmpty();
        assertThat(JsonText.problemWith(utf8(objects))).isEmpty();
    }

    /** The ingress takes nothing the gateway could not read back (it would reach bots as d: null). */
    @Test
    void theIngressLimitIsTheGatewaysOwn() throws Exception {
        assertThat(JsonText.MAX_DEPTH).isEqualTo(one.derailed.gateway.protocol.Json.MAX_NESTING);
        String deepest = "{\"content\":\"x\",\"a\":" + "[".repeat(JsonText.MAX_DEPTH - 1)
                + "]".repeat(JsonText.MAX_DEPTH - 1) + "}";
        assertThat(JsonText.problemWith(utf8(deepest))).isEmpty();
        assertThat(one.derailed.gateway.protocol.Json.readOrMissing(utf8(deepest)).path("content").asText())
                .isEqualTo("x");
    }

    @Test
    void rejectsNestingPastTheLimitWithoutBlowingTheStack() {
        String tooDeep = "[".repeat(JsonText.MAX_DEPTH + 1) + "]".repeat(JsonText.MAX_DEPTH + 1);
        String absurd = "[".repeat(1_000_000);
        assertThat(JsonText.problemWith(utf8(tooDeep)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("nesting depth"));
        assertThat(JsonText.problemWith(utf8(absurd))).isPresent();
    }

    @Test
    void validatesLargeTextsAndLeavesTheBytesAlone() {
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 100_000; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"name\":\"member é ").append(i)
                    .append("\"}");
        }
        byte[] text = utf8(big.append(']').toString());
        byte[] copy = text.clone();
        assertThat(text.length).isGreaterThan(3_000_000);

        assertThat(JsonText.problemWith(text)).isEmpty();
        assertThat(text).isEqualTo(copy);

        byte[] truncated = java.util.Arrays.copyOf(text, text.length - 1);
        assertThat(JsonText.problemWith(truncated)).isPresent();
    }

    @Test
    void rejectsLongStringsAndNumbersOnlyPastJacksonsLimits() {
        String longString = "\"" + "x".repeat(3_000_000) + "\"";
        String longNumber = "1".repeat(999);
        String tooLongNumber = "1".repeat(5_000);
        assertThat(JsonText.problemWith(utf8(longString))).isEmpty();
        assertThat(JsonText.problemWith(utf8(longNumber))).isEmpty();
        assertThat(JsonText.problemWith(utf8(tooLongNumber))).isPresent();
    }
}
