package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class TokensPropertiesTest {

    /** Up to the year 2500 or so. */
    private static final long LATEST = 16_725_225_600L;

    @Property
    void signThenVerifyRoundTrips(@ForAll @LongRange(min = 0) long userId,
                                  @ForAll String secret,
                                  @ForAll @LongRange(min = 0, max = LATEST) long epochSeconds) {
        String token = Tokens.sign(userId, secret, epochSeconds);

        assertThat(Tokens.verify(token, secret)).isTrue();
        assertThat(Tokens.userIdOf(token)).hasValue(userId);
        assertThat(Tokens.signedAtOf(token)).hasValue(epochSeconds);
        assertThat(Tokens.verify(token, secret + "x")).isFalse();
    }

    @Property
    void anyCharacterReplacedFailsVerification(@ForAll @LongRange(min = 0) long userId,
                                               @ForAll String secret,
                                               @ForAll @LongRange(min = 0, max = LATEST) long epochSeconds,
                                               @ForAll @IntRange(min = 0, max = 1000) int where,
                                               @ForAll @CharRange(from = ' ', to = '~') char replacement) {
        String token = Tokens.sign(userId, secret, epochSeconds);
        int at = where % token.length();
        Assume.that(token.charAt(at) != replacement);

        String mutated = token.substring(0, at) + replacement + token.substring(at + 1);

        assertThat(Tokens.verify(mutated, secret)).as(mutated).isFalse();
    }

    @Property
    void anyCharacterReplacedByAnyCharFailsVerification(@ForAll @LongRange(min = 0) long userId,
                                                        @ForAll @IntRange(min = 0, max = 1000) int where,
                                                        @ForAll char replacement) {
        String token = Tokens.sign(userId, "secret", 1_700_000_000L);
        int at = where % token.length();
        Assume.that(token.charAt(at) != replacement);

        String mutated = token.substring(0, at) + replacement + token.substring(at + 1);

        assertThat(Tokens.verify(mutated, "secret")).as(mutated).isFalse();
    }

    @Property
    void anyCharacterRemovedFailsVerification(@ForAll @LongRange(min = 0) long userId,
                                              @ForAll String secret,
                                              @ForAll @LongRange(min = 0, max = LATEST) long epochSeconds,
                                              @ForAll @IntRange(min = 0, max = 1000) int where) {
        String token = Tokens.sign(userId, secret, epochSeconds);
        int at = where % token.length();

        String mutated = token.substring(0, at) + token.substring(at + 1);

        assertThat(Tokens.verify(mutated, secret)).as(mutated).isFalse();
    }
}
