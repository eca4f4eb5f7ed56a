package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.ingress.EventIngress.GuildInfo;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import one.derailed.grpc.UPubl;
import one.derailed.grpc.UserGrpc;
import org.junit.jupiter.api.Test;

class IngressServerTest {

    private static Publ publ(long guildId) {
        return Publ.newBuilder()
                .setGuildId(Long.toString(guildId))
                .setMessage(Message.newBuilder().setEvent("MESSAGE_CREATE").setData("{}"))
                .build();
    }

    private static UPubl upubl(long userId) {
        return UPubl.newBuilder()
                .setUserId(Long.toString(userId))
                .setMessage(Message.newBuilder().setEvent("USER_UPDATE").setData("{}"))
                .build();
    }

    private static ServingStatus health(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void bindsAFreePortWhenAskedForPortZero() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            assertThat(loopback.server.port()).isPositive();
            try (ServerSocket taken = new ServerSocket()) {
                assertThatThrownBy(() -> taken.bind(new InetSocketAddress("127.0.0.1", loopback.server.port())))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void failsToStartOnAPortInUse() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            GrpcSettings same = new GrpcSettings("127.0.0.1", loopback.server.port(), 1);
            assertThatThrownBy(() -> IngressServer.start(same, new RecordingIngress()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new GrpcSettings(" ", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GrpcSettings("127.0.0.1", 65_536, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GrpcSettings("127.0.0.1", 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesCallsBeyondTheInflightLimitAcrossBothServices() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer(3)) {
            loopback.ingress.hold();
            GuildGrpc.GuildFutureStub guild = GuildGrpc.newFutureStub(loopback.channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
            List<ListenableFuture<?>> running = new ArrayList<>();
            running.add(guild.publish(publ(1)));
            running.add(guild.publish(publ(2)));
            running.add(UserGrpc.newFutureStub(loopback.channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .publish(upubl(3)));
            await().atMost(Duration.ofSeconds(5)).until(() -> loopback.ingress.calls().size() == 3);

            assertThatThrownBy(() -> GuildGrpc.newBlockingStub(loopback.channel).publish(publ(4)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).isEqualTo("too many publishes in flight (limit 3)");
                    });
            assertThatThrownBy(() -> UserGrpc.newBlockingStub(loopback.channel).publish(upubl(5)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            assertThat(health(loopback.channel, "")).isEqualTo(ServingStatus.SERVING);
            assertThat(loopback.ingress.calls()).hasSize(3);

            loopback.ingress.releaseHeld();
            for (ListenableFuture<?> call : running) {
                assertThat(call.get(5, TimeUnit.SECONDS)).isNotNull();
            }
            GuildGrpc.GuildBlockingStub blocking = GuildGrpc.newBlockingStub(loopback.channel);
            for (int i = 0; i < 10; i++) {
                assertThat(blocking.publish(publ(10 + i)).getMessage()).isEqualTo("Success");
            }
        }
    }

    @Test
    void reflectionListsTheIngressServicesAndServesTheirSchema() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            ServerReflectionResponse listed = reflect(loopback.channel,
                    ServerReflectionRequest.newBuilder().setListServices("").build());
            assertThat(listed.getListServicesResponse().getServiceList())
                    .extracting(ServiceResponse::getName)
                    .contains("derailed.grpc.Guild", "derailed.grpc.User", "grpc.health.v1.Health");

            ServerReflectionResponse file = reflect(loopback.channel,
                    ServerReflectionRequest.newBuilder().setFileContainingSymbol("derailed.grpc.Guild").build());
            FileDescriptorProto proto = FileDescriptorProto.parseFrom(
                    file.getFileDescriptorResponse().getFileDescriptorProto(0));
            assertThat(proto.getName()).isEqualTo("derailed/grpc/gateway.proto");
            assertThat(proto.getPackage()).isEqualTo("derailed.grpc");
            assertThat(proto.getServiceList()).extracting(ServiceDescriptorProto::getName)
                    .containsExactly("Guild", "User");
            assertThat(proto.getService(0).getMethodList()).extracting(MethodDescriptorProto::getName)
                    .containsExactly("publish", "get_guild_info");
        }
    }

    private static ServerReflectionResponse reflect(ManagedChannel channel, ServerReflectionRequest request)
            throws Exception {
        CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        response.completeExceptionally(new IllegalStateException("no reflection response"));
                    }
                });
        requests.onNext(request);
        try {
            return response.get(5, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }

    @Test
    void healthIsServingThenNotServingOnCloseThenUnavailable() throws Exception {
        LoopbackServer loopback = new LoopbackServer();
        try {
            assertThat(health(loopback.channel, "")).isEqualTo(ServingStatus.SERVING);
            assertThat(health(loopback.channel, "derailed.grpc.Guild")).isEqualTo(ServingStatus.SERVING);
            assertThat(health(loopback.channel, "derailed.grpc.User")).isEqualTo(ServingStatus.SERVING);

            BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
            Context.CancellableContext watch = Context.current().withCancellation();
            watch.run(() -> HealthGrpc.newStub(loopback.channel).watch(
                    HealthCheckRequest.newBuilder().setService("").build(), new StreamObserver<>() {
                        @Override
                        public void onNext(HealthCheckResponse value) {
                            watched.add(value.getStatus());
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    }));
            assertThat(watched.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(loopback.server::close);
            assertThat(watched.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
            watch.cancel(null);
            closing.get(5, TimeUnit.SECONDS);

            ManagedChannel fresh = NettyChannelBuilder.forAddress("127.0.0.1", loopback.server.port())
                    .usePlaintext().build();
            try {
                assertThatThrownBy(() -> health(fresh, ""))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            } finally {
                fresh.shutdownNow();
            }
        } finally {
            loopback.close();
        }
    }

    @Test
    void closeLetsRunningCallsFinish() throws Exception {
        LoopbackServer loopback = new LoopbackServer();
        try {
            loopback.ingress.hold();
            ListenableFuture<Publr> running = GuildGrpc.newFutureStub(loopback.channel).publish(publ(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> loopback.ingress.calls().size() == 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(loopback.server::close);
            Thread.sleep(200);
            assertThat(closing).isNotDone();

            loopback.ingress.releaseHeld();
            assertThat(running.get(5, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
            closing.get(5, TimeUnit.SECONDS);
        } finally {
            loopback.close();
        }
    }

    // The wire contract, checked without the generated classes: method paths and hand-encoded protobuf fields.

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static byte[] callRaw(ManagedChannel channel, String fullMethodName, byte[] request) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(RAW)
                .setResponseMarshaller(RAW)
                .build();
        return ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
    }

    /** Encodes a length-delimited protobuf field (wire type 2). */
    private static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (number << 3) | 2);
        varint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] field(int number, String text) {
        return field(number, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void varint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void generatedMethodNamesAreTheDerailedOnes() {
        assertThat("/" + GuildGrpc.getPublishMethod().getFullMethodName()).isEqualTo("/derailed.grpc.Guild/publish");
        assertThat("/" + GuildGrpc.getGetGuildInfoMethod().getFullMethodName())
                .isEqualTo("/derailed.grpc.Guild/get_guild_info");
        assertThat("/" + UserGrpc.getPublishMethod().getFullMethodName()).isEqualTo("/derailed.grpc.User/publish");
    }

    @Test
    void guildPublishByItsWireNameAndFieldNumbers() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            String data = "{\"content\":\"wire é\"}";
            // Publ { guild_id = 1; message = 2 { event = 1; data = 2; } }
            byte[] request = concat(field(1, "41771983423143937"),
                    field(2, concat(field(1, "MESSAGE_CREATE"), field(2, data))));

            byte[] reply = callRaw(loopback.channel, "derailed.grpc.Guild/publish", request);

            assertThat(reply).isEqualTo(field(1, "Success")); // Publr { message = 1 }
            assertThat(loopback.ingress.calls()).singleElement().satisfies(call -> {
                assertThat(call.id()).isEqualTo(41771983423143937L);
                assertThat(call.event()).isEqualTo("MESSAGE_CREATE");
                assertThat(call.dataText()).isEqualTo(data);
            });
        }
    }

    @Test
    void userPublishByItsWireNameAndFieldNumbers() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            // UPubl { user_id = 1; message = 2 { event = 1; data = 2; } }
            byte[] request = concat(field(1, "5"), field(2, concat(field(1, "GUILD_CREATE"), field(2, "[]"))));

            byte[] reply = callRaw(loopback.channel, "derailed.grpc.User/publish", request);

            assertThat(reply).isEqualTo(field(1, "Success")); // UPublr { message = 1 }
            assertThat(loopback.ingress.calls()).singleElement().satisfies(call -> {
                assertThat(call.kind()).isEqualTo("user");
                assertThat(call.id()).isEqualTo(5L);
                assertThat(call.event()).isEqualTo("GUILD_CREATE");
                assertThat(call.dataText()).isEqualTo("[]");
            });
        }
    }

    @Test
    void getGuildInfoByItsWireNameAndFieldNumbers() throws Exception {
        try (LoopbackServer loopback = new LoopbackServer()) {
            loopback.ingress.answerGuildInfo(new GuildInfo(17, true));

            byte[] reply = callRaw(loopback.channel, "derailed.grpc.Guild/get_guild_info", field(1, "8"));

            // RepliedGuildInfo { presences = 1 (varint 17); available = 2 (varint 1) }
            assertThat(reply).containsExactly(0x08, 17, 0x10, 0x01);
            assertThat(loopback.ingress.calls()).singleElement()
                    .satisfies(call -> assertThat(call.id()).isEqualTo(8L));
        }
    }
}
