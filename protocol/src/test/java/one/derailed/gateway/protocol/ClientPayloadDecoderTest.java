package one.derailed.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClientPayloadDecoderTest {

    private static ClientPayload decode(String json) throws PayloadException {
        return ClientPayloadDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static CloseCode refusal(String json) {
        try {
            decode(json);
        } catch (PayloadException e) {
            return e.closeCode();
        }
        throw new AssertionError("accepted " + json);
    }

    @Test
    void decodesHeartbeatWithAndWithoutSequence() throws Exception {
        assertThat(decode("{\"op\":1,\"d\":null}")).isEqualTo(new ClientPayload.Heartbeat(null));
        assertThat(decode("{\"op\":1,\"d\":42}")).isEqualTo(new ClientPayload.Heartbeat(42L));
    }

    @Test
    void aBotSchemeBeforeTheTokenIsNotPartOfIt() throws Exception {
        // Eris and Oceanic.js send REST's "Bot TOKEN" in IDENTIFY and RESUME; Discord accepts it.
        assertThat(decode("{\"op\":2,\"d\":{\"token\":\"Bot abc.def\",\"properties\":{}}}"))
                .isInstanceOfSatisfying(ClientPayload.Identify.class, identify ->
                        assertThat(identify.token()).isEqualTo("abc.def"));
        assertThat(decode("{\"op\":6,\"d\":{\"token\":\"bot abc.def\",\"session_id\":\"s\",\"seq\":1}}"))
                .isInstanceOfSatisfying(ClientPayload.Resume.class, resume ->
                        assertThat(resume.token()).isEqualTo("abc.def"));
        assertThat(decode("{\"op\":2,\"d\":{\"token\":\"Botabc\",\"properties\":{}}}"))
                .isInstanceOfSatisfying(ClientPayload.Identify.class, identify ->
                        assertThat(identify.token()).isEqualTo("Botabc"));
    }

    @Test
    void decodesIdentifyWithEverything() throws Exception {
        ClientPayload payload = decode("""
                {"op":2,"d":{"token":"abc","properties":{"os":"linux","browser":"disco","device":"disco"},
                "large_threshold":100,"shard":[1,4],"intents":513,
                "presence":{"since":null,"activities":[{"name":"x","type":0}],"status":"dnd","afk":false}}}""");
        assertThat(payload).isInstanceOfSatisfying(ClientPayload.Identify.class, identify -> {
            assertThat(identify.token()).isEqualTo("abc");
            assertThat(identify.properties()).isEqualTo(new ClientPayload.ConnectionProperties("linux", "disco", "disco"));
            assertThat(identify.largeThreshold()).isEqualTo(100);
            assertThat(identify.shard()).isEqualTo(new ClientPayload.Shard(1, 4));
            assertThat(identify.intents()).isEqualTo(513);
            assertThat(identify.presence().status()).isEqualTo("dnd");
            // As Discord shows activities to others: what the client set, with an id and when it was received.
            JsonNode activity = Json.readOrMissing(
                    identify.presence().activitiesJson().getBytes(StandardCharsets.UTF_8)).get(0);
            assertThat(activity.get("name").asText()).isEqualTo("x");
            assertThat(activity.get("type").asInt()).isZero();
            assertThat(activity.get("id").isTextual()).isTrue();
            assertThat(activity.get("created_at").asLong()).isGreaterThan(1_700_000_000_000L);
        });
    }

    @Test
    void identifyDefaultsWhenOptionalFieldsAreAbsent() throws Exception {
        ClientPayload.Identify identify = (ClientPayload.Identify) decode("{\"op\":2,\"d\":{\"token\":\"t\"}}");
        assertThat(identify.intents()).isNull();
        assertThat(identify.shard()).isNull();
        assertThat(identify.largeThreshold()).isEqualTo(50);
        assertThat(identify.properties()).isEqualTo(ClientPayload.ConnectionProperties.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json|DECODE_ERROR",
            "[1,2]|DECODE_ERROR",
            "{\"d\":null}|DECODE_ERROR",
            "{\"op\":\"1\"}|DECODE_ERROR",
            "{\"op\":1,\"d\":\"x\"}|DECODE_ERROR",
            "{\"op\":2,\"d\":{}}|DECODE_ERROR",
            "{\"op\":2,\"d\":{\"token\":5}}|DECODE_ERROR",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"large_threshold\":10}}|DECODE_ERROR",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[4,4]}}|INVALID_SHARD",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[0]}}|INVALID_SHARD",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"intents\":1073741824}}|INVALID_INTENTS",
            "{\"op\":3,\"d\":{\"status\":\"sleeping\"}}|DECODE_ERROR",
            "{\"op\":6,\"d\":{\"token\":\"t\"}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"1\"}}|DECODE_ERROR",
            "{\"op\":99,\"d\":null}|UNKNOWN_OPCODE",
            "{\"op\":1,\"d\":null} trailing|DECODE_ERROR",
    })
    void refusesBadPayloadsWithTheirCloseCode(String json, CloseCode expected) {
        assertThat(refusal(json)).isEqualTo(expected);
    }

    /** Numbers past their field's range are refused as sent, never wrapped into range. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[0,18446744073709551617]}}|INVALID_SHARD",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[4294967296,4294967297]}}|INVALID_SHARD",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[0,65537]}}|INVALID_SHARD",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"large_threshold\":4294967396}}|DECODE_ERROR",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"intents\":18446744073709551617}}|INVALID_INTENTS",
            "{\"op\":2,\"d\":{\"token\":\"t\",\"presence\":{\"status\":\"online\",\"since\":18446744073709551617}}}|DECODE_ERROR",
            "{\"op\":1,\"d\":18446744073709551617}|DECODE_ERROR",
            "{\"op\":4294967297,\"d\":null}|DECODE_ERROR",
            "{\"op\":6,\"d\":{\"token\":\"t\",\"session_id\":\"s\",\"seq\":18446744073709551617}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":\"a\",\"limit\":4294967301}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":\"a\",\"limit\":-1}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":\"a\",\"limit\":\"5\"}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":{},\"limit\":0}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"18446744073709551617\",\"query\":\"\"}}|DECODE_ERROR",
            "{\"op\":8,\"d\":{\"guild_id\":\"+5\",\"query\":\"\"}}|DECODE_ERROR",
    })
    void refusesNumbersOutOfRangeInsteadOfWrappingThem(String json, CloseCode expected) {
        assertThat(refusal(json)).isEqualTo(expected);
    }

    @Test
    void acceptsOnlyUtf8() throws Exception {
        String heartbeat = "{\"op\":1,\"d\":null}";
        assertThat(ClientPayloadDecoder.decode(heartbeat.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ClientPayload.Heartbeat(null));
        for (java.nio.charset.Charset other : new java.nio.charset.Charset[] {StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16BE, StandardCharsets.UTF_16, java.nio.charset.Charset.forName("UTF-32")}) {
            assertThatThrownBy(() -> ClientPayloadDecoder.decode(heartbeat.getBytes(other)))
                    .as(other.name())
                    .isInstanceOfSatisfying(PayloadException.class,
                            e -> assertThat(e.closeCode()).isEqualTo(CloseCode.DECODE_ERROR));
        }
        byte[] withBom = ("\uFEFF" + heartbeat).getBytes(StandardCharsets.UTF_8);
        assertThat(refusalOf(withBom)).isEqualTo(CloseCode.DECODE_ERROR);
        byte[] broken = {'{', '"', 'o', 'p', '"', ':', '1', ',', '"', 'x', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertThat(refusalOf(broken)).isEqualTo(CloseCode.DECODE_ERROR);
    }

    private static CloseCode refusalOf(byte[] bytes) {
        try {
            ClientPayloadDecoder.decode(bytes);
        } catch (PayloadException e) {
            return e.closeCode();
        }
        throw new AssertionError("accepted " + java.util.Arrays.toString(bytes));
    }

    @Test
    void decodesLimitsAtTheEdgesOfTheirRange() throws Exception {
        assertThat(decode("{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":\"a\",\"limit\":2147483647}}"))
                .isEqualTo(new ClientPayload.RequestGuildMembers(5, "a", null, Integer.MAX_VALUE, false, null));
        assertThat(decode("{\"op\":2,\"d\":{\"token\":\"t\",\"shard\":[65535,65536]}}"))
                .isInstanceOfSatisfying(ClientPayload.Identify.class,
                        identify -> assertThat(identify.shard()).isEqualTo(new ClientPayload.Shard(65535, 65536)));
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"op\":1,\"d\":" + "[".repeat(200) + "]".repeat(200) + "}";
        assertThat(refusal(deep)).isEqualTo(CloseCode.DECODE_ERROR);
    }

    @Test
    void decodesResumeAndMemberRequests() throws Exception {
        assertThat(decode("{\"op\":6,\"d\":{\"token\":\"t\",\"session_id\":\"s\",\"seq\":7}}"))
                .isEqualTo(new ClientPayload.Resume("t", "s", 7));
        assertThat(decode("{\"op\":8,\"d\":{\"guild_id\":\"5\",\"user_ids\":[\"1\",2],\"nonce\":\"n\"}}"))
                .isEqualTo(new ClientPayload.RequestGuildMembers(5, null, new long[] {1, 2}, 0, false, "n"));
        assertThat(refusal("{\"op\":8,\"d\":{\"guild_id\":\"5\",\"query\":\"\",\"nonce\":\""
                + "x".repeat(33) + "\"}}")).isEqualTo(CloseCode.DECODE_ERROR);
    }

    @Test
    void shardOwnsGuildsByTheDiscordFormula() {
        long guildId = (123L << 22) | 77;
        assertThat(new ClientPayload.Shard(123 % 4, 4).owns(guildId)).isTrue();
        assertThat(new ClientPayload.Shard((123 + 1) % 4, 4).owns(guildId)).isFalse();
    }
}
