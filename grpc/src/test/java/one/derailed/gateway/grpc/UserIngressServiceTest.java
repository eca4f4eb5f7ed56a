package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import one.derailed.grpc.Message;
import one.derailed.grpc.UPubl;
import one.derailed.grpc.UserGrpc;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class UserIngressServiceTest {
    private LoopbackServer loopback;
    private RecordingIngress ingress;
    private UserGrpc.UserBlockingStub user;

    @BeforeEach
    void start() throws Exception {
        loopback = new LoopbackServer();
        ingress = loopback.ingress;
        user = UserGrpc.newBlockingStub(loopback.channel);
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    private static UPubl upubl(String userId, String event, String data) {
        return UPubl.newBuilder()
                .setUserId(userId)
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
        String data = "{\"id\":\"9\",\"username\":\"zoë\",\"flags\":0, \"bio\":\"line\\nbreak\"}";

        assertThat(user.publish(upubl("9223372036854775807", "USER_UPDATE", data)).getMessage())
                .isEqualTo("Success");

        assertThat(ingress.calls()).singleElement().satisfies(call -> {
            assertThat(call.kind()).isEqualTo("user");
            assertThat(call.id()).isEqualTo(Long.MAX_VALUE);
            assertThat(call.event()).isEqualTo("USER_UPDATE");
            assertThat(call.data()).isEqualTo(data.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void aThousandPublishesReachTheIngressInOrder() {
        for (long id = 1; id <= 1_000; id++) {
            user.publish(upubl(Long.toString(id), "GUILD_CREATE", "[" + id + "]"));
        }
        assertThat(ingress.calls()).extracting(RecordingIngress.Call::id)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "0", "18446744073709551616", "", "  ", "1\t", "0x1F"})
    void rejectsBadUserIds(String userId) {
        assertStatus(() -> user.publish(upubl(userId, "USER_UPDATE", "{}")),
                Status.Code.INVALID_ARGUMENT, "user_id must be a decimal snowflake");
        assertThat(ingress.calls()).isEmpty();
    }

    @Test
    void rejectsAMissingMessageABadEventAndBadData() {
        assertStatus(() -> user.publish(UPubl.newBuilder().setUserId("1").build()),
                Status.Code.INVALID_ARGUMENT, "message is required");
        assertStatus(() -> user.publish(upubl("1", "user_update", "{}")),
                Status.Code.INVALID_ARGUMENT, "event must be 1 to 64 characters");
        assertStatus(() -> user.publish(upubl("1", "USER_UPDATE", "{\"a\":1}}")),
                Status.Code.INVALID_ARGUMENT, "data must be JSON text: ");
        assertStatus(() -> user.publish(upubl("1", "USER_UPDATE", "")),
                Status.Code.INVALID_ARGUMENT, "data must be JSON text: ");
        assertThat(ingress.calls()).isEmpty();
    }

    @Test
    void anIngressTimeoutIsUnavailable() {
        ingress.failWith(new TimeoutException());
        assertStatus(() -> user.publish(upubl("77", "USER_UPDATE", "{}")),
                Status.Code.UNAVAILABLE, "user 77 did not accept the event in time");
    }

    @Test
    void anyOtherFailureIsInternal() {
        ingress.failWith(new RuntimeException("internal detail"));
        assertStatus(() -> user.publish(upubl("77", "USER_UPDATE", "{}")),
                Status.Code.INTERNAL, "failed while publishing USER_UPDATE to user 77");
    }
}
