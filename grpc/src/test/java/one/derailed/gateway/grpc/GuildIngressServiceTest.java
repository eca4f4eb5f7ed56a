package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import one.derailed.gateway.core.ingress.EventIngress.GuildInfo;
import one.derailed.grpc.GetGuildInfo;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import one.derailed.grpc.RepliedGuildInfo;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class GuildIngressServiceTest {
    private LoopbackServer loopback;
    private RecordingIngress ingress;
    private GuildGrpc.GuildBlockingStub guild;

    @BeforeEach
    void start() throws Exception {
        loopback = new LoopbackServer();
        ingress = loopback.ingress;
        guild = GuildGrpc.newBlockingStub(loopback.channel);
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    private static Publ publ(String guildId, String event, String data) {
        return Publ.newBuilder()
                .setGuildId(guildId)
                .setMessage(Message.newBuilder().setEvent(event).setData(data))
                .build();
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String descriptionPart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(descriptionPart);
        });
    }

    @Test
    void publishHandsTheExactIdEventAndBytesToTheIngress() {
        String data = "{ \"id\" : \"5\",\n \"content\":\"h\\u00e9llo é 😀\", \"n\": 1.50e3, \"a\":[ ] }";

        Publr reply = guild.publish(publ("1234567890123456789", "MESSAGE_CREATE", data));

        assertThat(reply.getMessage()).isEqualTo("Success");
        assertThat(ingress.calls()).singleElement().satisfies(call -> {
            assertThat(call.kind()).isEqualTo("guild");
            assertThat(call.id()).isEqualTo(1234567890123456789L);
            assertThat(call.event()).isEqualTo("MESSAGE_CREATE");
            assertThat(call.data()).isEqualTo(data.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void repliesOnlyOnceTheIngressStageCompletes() throws Exception {
        ingress.hold();
        ListenableFuture<Publr> reply = GuildGrpc.newFutureStub(loopback.channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .publish(publ("7", "GUILD_UPDATE", "{}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> ingress.calls().size() == 1);
        Thread.sleep(100);
        assertThat(reply.isDone()).isFalse();

        ingress.releaseHeld();
        assertThat(reply.get(5, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
    }

    @Test
    void aThousandPublishesReachTheIngressInOrder() {
        for (long id = 1; id <= 1_000; id++) {
            assertThat(guild.publish(publ(Long.toString(id), "MESSAGE_CREATE", "{\"n\":" + id + "}")).getMessage())
                    .isEqualTo("Success");
        }

        List<RecordingIngress.Call> calls = ingress.calls();
        assertThat(calls).extracting(RecordingIngress.Call::id)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
        assertThat(calls.get(999).dataText()).isEqualTo("{\"n\":1000}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "0", "9223372036854775808", "", " ", " 1", "1 ", "12a", "+5"})
    void rejectsBadGuildIds(String guildId) {
        assertStatus(() -> guild.publish(publ(guildId, "MESSAGE_CREATE", "{}")),
                Status.Code.INVALID_ARGUMENT, "guild_id must be a decimal snowflake");
        assertThat(ingress.calls()).isEmpty();
    }

    @Test
    void rejectsAMissingMessage() {
        assertStatus(() -> guild.publish(Publ.newBuilder().setGuildId("1").build()),
                Status.Code.INVALID_ARGUMENT, "message is required");
        assertThat(ingress.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "message_create", "MESSAGE-CREATE", "MESSAGE CREATE"})
    void rejectsBadEventNames(String event) {
        assertStatus(() -> guild.publish(publ("1", event, "{}")),
                Status.Code.INVALID_ARGUMENT, "event must be 1 to 64 characters of A-Z, 0-9 and _");
        assertThat(ingress.calls()).isEmpty();
    }

    @Test
    void rejectsAnOverlongEventName() {
        assertStatus(() -> guild.publish(publ("1", "A".repeat(65), "{}")), Status.Code.INVALID_ARGUMENT, "event");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "{} {}", "{\"a\":1} trailing", "{\"a\":", "[1,2", "{'a':1}"})
    void rejectsDataThatIsNotJsonText(String data) {
        assertStatus(() -> guild.publish(publ("1", "MESSAGE_CREATE", data)),
                Status.Code.INVALID_ARGUMENT, "data must be JSON text: ");
        assertThat(ingress.calls()).isEmpty();
    }

    @Test
    void anIngressTimeoutIsUnavailable() {
        ingress.failWith(new TimeoutException("ask timed out"));
        assertStatus(() -> guild.publish(publ("42", "MESSAGE_CREATE", "{}")),
                Status.Code.UNAVAILABLE, "guild 42 did not accept the event in time");
    }

    @Test
    void aWrappedTimeoutIsUnavailableToo() {
        ingress.failWith(new CompletionException(new TimeoutException()));
        assertStatus(() -> guild.publish(publ("42", "MESSAGE_CREATE", "{}")),
                Status.Code.UNAVAILABLE, "guild 42 did not accept the event in time");
    }

    @Test
    void anIllegalArgumentFromTheIngressIsInvalidArgument() {
        ingress.failWith(new IllegalArgumentException("event too large for guild 42"));
        assertStatus(() -> guild.publish(publ("42", "MESSAGE_CREATE", "{}")),
                Status.Code.INVALID_ARGUMENT, "event too large for guild 42");
    }

    @Test
    void anyOtherFailureIsInternalWithoutItsDetails() {
        ingress.failWith(new IllegalStateException("secret database password in here"));
        assertThatThrownBy(() -> guild.publish(publ("42", "MESSAGE_CREATE", "{}")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("failed while publishing MESSAGE_CREATE to guild 42")
                            .doesNotContain("secret")
                            .doesNotContain("IllegalStateException");
                    assertThat(e.getTrailers().keys()).noneMatch(key -> key.contains("stack"));
                });
    }

    @Test
    void anIngressThatThrowsIsInternal() {
        ingress.throwOnCall(new IllegalStateException("broken"));
        assertStatus(() -> guild.publish(publ("1", "X", "{}")),
                Status.Code.INTERNAL, "failed while publishing X to guild 1");
    }

    @Test
    void guildInfoMapsPresencesAndAvailability() {
        ingress.answerGuildInfo(new GuildInfo(17, true));
        RepliedGuildInfo live = guild.getGuildInfo(GetGuildInfo.newBuilder().setGuildId("99").build());
        ingress.answerGuildInfo(new GuildInfo(0, false));
        RepliedGuildInfo gone = guild.getGuildInfo(GetGuildInfo.newBuilder().setGuildId("100").build());

        assertThat(live.getPresences()).isEqualTo(17);
        assertThat(live.getAvailable()).isTrue();
        assertThat(gone.getPresences()).isZero();
        assertThat(gone.getAvailable()).isFalse();
        assertThat(ingress.calls()).extracting(RecordingIngress.Call::kind, RecordingIngress.Call::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("guildInfo", 99L),
                        org.assertj.core.groups.Tuple.tuple("guildInfo", 100L));
    }

    @Test
    void guildInfoChecksTheIdAndMapsATimeout() {
        assertStatus(() -> guild.getGuildInfo(GetGuildInfo.newBuilder().setGuildId("x").build()),
                Status.Code.INVALID_ARGUMENT, "guild_id must be a decimal snowflake, got 'x'");
        ingress.failWith(new TimeoutException());
        assertStatus(() -> guild.getGuildInfo(GetGuildInfo.newBuilder().setGuildId("5").build()),
                Status.Code.UNAVAILABLE, "guild 5 did not answer in time");
    }
}
