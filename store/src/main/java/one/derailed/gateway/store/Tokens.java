package one.derailed.gateway.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens reads, signs and verifies Derailed tokens, which are itsdangerous {@code TimestampSigner} tokens:
 * {@code V "." T "." S} where V is the decimal user id in base64url with padding, T the signing time in epoch seconds
 * as big-endian minimal bytes in base64url without padding, and S the base64url (no padding) HMAC-SHA1 of
 * {@code V "." T} under the key SHA1({@code "itsdangerous.Signer" + "signer" + secret}). The secret is the user's
 * {@code users.password} column, so changing the password revokes every token; tokens never expire.
 *
 * <p>Pure: no I/O, no state, thread-safe. Nothing here throws on a bad token: reads give empty, checks give false.
 * Parsing is strict and canonical (what itsdangerous writes, nothing else): V must re-encode to itself, the id must
 * be a plain non-negative decimal without leading zeros that fits a {@code long}, T at most 8 bytes, S exactly 27
 * characters of the base64url alphabet.
 */
public final class Tokens {

    private static final String SALT = "itsdangerous.Signer";
    private static final String KEY_DERIVATION = "signer";
    private static final String HMAC = "HmacSHA1";
    private static final int SIGNATURE_CHARS = 27;
    private static final int MAX_ID_DIGITS = 19;
    private static final int MAX_TIMESTAMP_BYTES = 8;

    private static final Base64.Encoder PADDED = Base64.getUrlEncoder();
    private static final Base64.Encoder UNPADDED = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Tokens() {
    }

    /** The user id a token claims (not verified), or empty when the token is not a well-formed Derailed token. */
    public static OptionalLong userIdOf(String token) {
        Parts parts = Parts.of(token);
        return parts == null ? OptionalLong.empty() : OptionalLong.of(parts.userId);
    }

    /** The epoch second a token claims it was signed at (not verified), or empty when it is not well-formed. */
    public static OptionalLong signedAtOf(String token) {
        Parts parts = Parts.of(token);
        return parts == null ? OptionalLong.empty() : OptionalLong.of(parts.signedAt);
    }

    /**
     * Whether {@code token} is well-formed and signed with {@code secret}. The signature is compared in constant
     * time; false, never an exception, for anything malformed (including a null token or secret).
     */
    public static boolean verify(String token, String secret) {
        Parts parts = Parts.of(token);
        if (parts == null || secret == null) {
            return false;
        }
        byte[] expected = signature(parts.signed, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = parts.signature.getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    /** The token for {@code userId} signed with {@code secret} at {@code epochSeconds}, as itsdangerous writes it. */
    public static String sign(long userId, String secret, long epochSeconds) {
        if (userId < 0) {
            throw new IllegalArgumentException("userId must not be negative, was " + userId);
        }
        if (epochSeconds < 0) {
            throw new IllegalArgumentException("epochSeconds must not be negative, was " + epochSeconds);
        }
        if (secret == null) {
            throw new IllegalArgumentException("secret must not be null");
        }
        String value = PADDED.encodeToString(Long.toString(userId).getBytes(StandardCharsets.US_ASCII));
        String signed = value + "." + UNPADDED.encodeToString(minimalBigEndian(epochSeconds));
        return signed + "." + signature(signed, secret);
    }

    private static String signature(String signed, String secret) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(SALT.getBytes(StandardCharsets.UTF_8));
            sha1.update(KEY_DERIVATION.getBytes(StandardCharsets.UTF_8));
            byte[] key = sha1.digest(secret.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return UNPADDED.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 and HmacSHA1 are required of every Java runtime", e);
        }
    }

    private static byte[] minimalBigEndian(long value) {
        int length = (Long.SIZE - Long.numberOfLeadingZeros(value) + 7) / 8;
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    /** The parts of a well-formed token; {@link #of} gives null for anything else. */
    private record Parts(long userId, long signedAt, String signed, String signature) {

        static Parts of(String token) {
            if (token == null) {
                return null;
            }
            int first = token.indexOf('.');
            int second = first < 0 ? -1 : token.indexOf('.', first + 1);
            if (second < 0 || token.indexOf('.', second + 1) >= 0) {
                return null;
            }
            String value = token.substring(0, first);
            String timestamp = token.substring(first + 1, second);
            String signature = token.substring(second + 1);
            long userId = userId(value);
            long signedAt = timestamp(timestamp);
            if (userId < 0 || signedAt < 0 || !isSignature(signature)) {
                return null;
            }
            return new Parts(userId, signedAt, token.substring(0, second), signature);
        }

        /** The id V encodes, or -1 when V is not the canonical padded encoding of a canonical decimal. */
        private static long userId(String value) {
            byte[] digits = decode(value);
            if (digits == null || digits.length == 0 || digits.length > MAX_ID_DIGITS
                    || !PADDED.encodeToString(digits).equals(value)
                    || (digits[0] == '0' && digits.length > 1)) {
                return -1;
            }
            long id = 0;
            for (byte digit : digits) {
                if (digit < '0' || digit > '9') {
                    return -1;
                }
                if (id > (Long.MAX_VALUE - (digit - '0')) / 10) {
                    return -1;
                }
                id = id * 10 + (digit - '0');
            }
            return id;
        }

        /** The epoch seconds T encodes, or -1 when T is not canonical unpadded base64url of at most 8 bytes. */
        private static long timestamp(String timestamp) {
            byte[] bytes = decode(timestamp);
            if (bytes == null || bytes.length > MAX_TIMESTAMP_BYTES
                    || !UNPADDED.encodeToString(bytes).equals(timestamp)) {
                return -1;
            }
            long seconds = 0;
            for (byte b : bytes) {
                seconds = (seconds << 8) | (b & 0xFF);
            }
            return seconds;
        }

        private static boolean isSignature(String signature) {
            if (signature.length() != SIGNATURE_CHARS) {
                return false;
            }
            for (int i = 0; i < signature.length(); i++) {
                char c = signature.charAt(i);
                boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_';
                if (!alphabet) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] decode(String base64) {
            try {
                return DECODER.decode(base64);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
