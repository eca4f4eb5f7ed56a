package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import one.derailed.gateway.core.ingress.EventIngress.GuildInfo;
import org.junit.jupiter.api.Test;

class IngressClientTest {

    @Test
    void roundTripsThroughTheIngressServer() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer();
             IngressClient client = new IngressClient("127.0.0.1", loopback.server.port())) {
            loopback.ingress.answerGuildInfo(new GuildInfo(3, true));
            String guildData = "{\"id\":\"10\",\"content\":\"hi é\"}";

            assertThat(client.publishToGuild(1L, "MESSAGE_CREATE", guildData)).isEqualTo("Success");
            assertThat(client.publishToUser(2L, "USER_UPDATE", "{\"id\":\"2\"}")).isEqualTo("Success");
            assertThat(client.guildInfo(1L)).isEqualTo(new GuildInfo(3, true));

            assertThat(loopback.ingress.calls())
                    .extracting(RecordingIngress.Call::kind, RecordingIngress.Call::id, RecordingIngress.Call::event)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("guild", 1L, "MESSAGE_CREATE"),
                            org.assertj.core.groups.Tuple.tuple("user", 2L, "USER_UPDATE"),
                            org.assertj.core.groups.Tuple.tuple("guildInfo", 1L, null));
            assertThat(loopback.ingress.calls().get(0).data()).isEqualTo(guildData.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAsynchronousPublishCompletesWithTheReplyOrTheServersStatus() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer();
             IngressClient client = new IngressClient("127.0.0.1", loopback.server.port())) {
            assertThat(client.publishToGuildAsync(1L, "MESSAGE_CREATE", "{}").get(5, TimeUnit.SECONDS))
                    .isEqualTo("Success");
            assertThat(client.publishToGuildAsync(1L, "bad name", "{}"))
                    .failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
            assertThat(loopback.ingress.calls()).extracting(RecordingIngress.Call::event)
                    .containsExactly("MESSAGE_CREATE");
        }
    }

    @Test
    void passesTheServersStatusThrough() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer();
             IngressClient client = new IngressClient("127.0.0.1", loopback.server.port())) {
            assertThatThrownBy(() -> client.publishToGuild(1L, "bad name", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("event must be");
                    });
            assertThatThrownBy(() -> client.publishToUser(-5L, "USER_UPDATE", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getDescription()).contains("user_id"));
            loopback.ingress.failWith(new TimeoutException());
            assertThatThrownBy(() -> client.publishToUser(5L, "USER_UPDATE", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void givesUpAtItsDeadline() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer();
             IngressClient client = new IngressClient("127.0.0.1", loopback.server.port(), null,
                     Duration.ofMillis(300))) {
            loopback.ingress.hold();
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.publishToGuild(1L, "MESSAGE_CREATE", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            loopback.ingress.releaseHeld();
        }
    }

    @Test
    void failsWithUnavailableWhenNothingListens() throws Exception {
        int port;
        try (LoopbackServer loopback = new LoopbackServer()) {
            port = loopback.server.port();
        }
        try (IngressClient client = new IngressClient("127.0.0.1", port)) {
            assertThatThrownBy(() -> client.guildInfo(1L))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void sendsABearerTokenOnlyWhenGivenOne() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                    ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                seen.add(String.valueOf(headers.get(authorization)));
                return next.startCall(call, headers);
            }
        };
        RecordingIngress ingress = new RecordingIngress();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new GuildIngressService(ingress), capture))
                .addService(ServerInterceptors.intercept(new UserIngressService(ingress), capture))
                .build()
                .start();
        try {
            try (IngressClient withToken = new IngressClient("127.0.0.1", server.getPort(), "s3cr3t.t0k3n")) {
                withToken.publishToGuild(1L, "MESSAGE_CREATE", "{}");
                withToken.publishToUser(1L, "USER_UPDATE", "{}");
                withToken.guildInfo(1L);
            }
            try (IngressClient without = new IngressClient("127.0.0.1", server.getPort())) {
                without.publishToGuild(1L, "MESSAGE_CREATE", "{}");
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly(
                "Bearer s3cr3t.t0k3n", "Bearer s3cr3t.t0k3n", "Bearer s3cr3t.t0k3n", "null");
    }
}
