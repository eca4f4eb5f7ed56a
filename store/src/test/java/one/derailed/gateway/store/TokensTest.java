package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TokensTest {

    private static final String SECRET = "correct horse battery staple";
    private static final String SIGNATURE_SHAPE = "EwhCVGcAgHXvnjmahojZ4T1HLdU";

    static List<TokenVectors> vectors() {
        return TokenVectors.all();
    }

    static Stream<TokenVectors> validVectors() {
        return vectors().stream().filter(TokenVectors::valid);
    }

    @Test
    void theVectorFileHasBothKinds() {
        assertThat(vectors()).anyMatch(TokenVectors::valid).anyMatch(v -> !v.valid()).hasSizeGreaterThanOrEqualTo(14);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verifiesExactlyTheValidVectors(TokenVectors vector) {
        assertThat(Tokens.verify(vector.token(), vector.password())).isEqualTo(vector.valid());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void signReproducesTheValidVectors(TokenVectors vector) {
        long signedAt = Tokens.signedAtOf(vector.token()).orElseThrow();

        assertThat(Tokens.sign(vector.userId(), vector.password(), signedAt)).isEqualTo(vector.token());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVectors")
    void readsTheUserIdOfTheValidVectors(TokenVectors vector) {
        assertThat(Tokens.userIdOf(vector.token())).hasValue(vector.userId());
    }

    @Test
    void decodesTheTimestampBigEndian() {
        // "X9Iseg" is 0x5FD22C7A: 2020-12-10T14:20:10Z.
        assertThat(Tokens.signedAtOf("MTQwODky.X9Iseg." + SIGNATURE_SHAPE)).hasValue(0x5FD22C7AL);
    }

    @Test
    void signsTheEdges() {
        String zero = Tokens.sign(0, SECRET, 0);
        String max = Tokens.sign(Long.MAX_VALUE, SECRET, Long.MAX_VALUE);

        assertThat(zero).startsWith("MA==..");
        assertThat(Tokens.verify(zero, SECRET)).isTrue();
        assertThat(Tokens.userIdOf(zero)).hasValue(0);
        assertThat(Tokens.signedAtOf(zero)).hasValue(0);
        assertThat(Tokens.verify(max, SECRET)).isTrue();
        assertThat(Tokens.userIdOf(max)).hasValue(Long.MAX_VALUE);
        assertThat(Tokens.signedAtOf(max)).hasValue(Long.MAX_VALUE);
    }

    @Test
    void refusesToSignWhatCannotBeRead() {
        assertThatThrownBy(() -> Tokens.sign(-1, SECRET, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokens.sign(1, SECRET, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokens.sign(1, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsANullSecret() {
        assertThat(Tokens.verify(Tokens.sign(1, SECRET, 1), null)).isFalse();
    }

    static Stream<String> malformed() {
        String t = "X9Iseg";
        return Stream.of(
                null,
                "",
                ".",
                "..",
                "...",
                "not-a-token",
                "MTQwODky",
                "MTQwODky.X9Iseg",
                "MTQwODky.X9Iseg." + SIGNATURE_SHAPE + ".extra",
                "." + t + "." + SIGNATURE_SHAPE,
                // V is not base64url, or not canonical
                "MTQw*Dky." + t + "." + SIGNATURE_SHAPE,
                "MzYwNTM1MTY1MDAxODMwOTA0Mg." + t + "." + SIGNATURE_SHAPE,
                "MzYwNTM1MTY1MDAxODMwOTA0Mg=." + t + "." + SIGNATURE_SHAPE,
                "MTQwODky=." + t + "." + SIGNATURE_SHAPE,
                " MTQwODky." + t + "." + SIGNATURE_SHAPE,
                // V decodes, but not to a plain non-negative decimal that fits a long
                v("abc") + "." + t + "." + SIGNATURE_SHAPE,
                v("-1") + "." + t + "." + SIGNATURE_SHAPE,
                v("+1") + "." + t + "." + SIGNATURE_SHAPE,
                v(" 1") + "." + t + "." + SIGNATURE_SHAPE,
                v("1 ") + "." + t + "." + SIGNATURE_SHAPE,
                v("01") + "." + t + "." + SIGNATURE_SHAPE,
                v("1.5") + "." + t + "." + SIGNATURE_SHAPE,
                v("9223372036854775808") + "." + t + "." + SIGNATURE_SHAPE,
                v("99999999999999999999") + "." + t + "." + SIGNATURE_SHAPE,
                v("١٢٣") + "." + t + "." + SIGNATURE_SHAPE,
                // T is not canonical unpadded base64url of at most 8 bytes
                "MTQwODky.X9Iseg==." + SIGNATURE_SHAPE,
                "MTQwODky.X9Ise." + SIGNATURE_SHAPE,
                "MTQwODky.X9I+eg." + SIGNATURE_SHAPE,
                "MTQwODky." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[9]) + "."
                        + SIGNATURE_SHAPE,
                "MTQwODky.gAAAAAAAAAA." + SIGNATURE_SHAPE,
                // S is not 27 characters of base64url
                "MTQwODky." + t + ".",
                "MTQwODky." + t + "." + SIGNATURE_SHAPE.substring(1),
                "MTQwODky." + t + "." + SIGNATURE_SHAPE + "A",
                "MTQwODky." + t + "." + SIGNATURE_SHAPE + "=",
                "MTQwODky." + t + "." + SIGNATURE_SHAPE.replace('C', '+'),
                "MTQwODky." + t + "." + SIGNATURE_SHAPE.replace('C', '/'));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void malformedTokensHaveNoUserAndNeverVerify(String token) {
        assertThat(Tokens.userIdOf(token)).isEmpty();
        assertThat(Tokens.signedAtOf(token)).isEmpty();
        assertThat(Tokens.verify(token, SECRET)).isFalse();
        assertThat(Tokens.verify(token, "")).isFalse();
    }

    private static String v(String decimal) {
        return Base64.getUrlEncoder().encodeToString(decimal.getBytes(StandardCharsets.UTF_8));
    }
}
