package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** InflightLimit around the real Guild service on a loopback server, watching its count of held places. */
class InflightLimitTest {
    private final RecordingIngress ingress = new RecordingIngress();
    private final InflightLimit limit = new InflightLimit(2);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new GuildIngressService(ingress), limit))
                .build()
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Publ publ(long guildId, String data) {
        return Publ.newBuilder()
                .setGuildId(Long.toString(guildId))
                .setMessage(Message.newBuilder().setEvent("MESSAGE_CREATE").setData(data))
                .build();
    }

    @Test
    void cancelledCallsGiveTheirPlaceBack() throws Exception {
        ingress.hold();
        GuildGrpc.GuildFutureStub guild = GuildGrpc.newFutureStub(channel);
        ListenableFuture<Publr> first = guild.publish(publ(1, "{}"));
        ListenableFuture<Publr> second = guild.publish(publ(2, "{}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ingress.calls().size() == 2);
        assertThat(limit.inFlight()).isEqualTo(2);

        first.cancel(true);
        second.cancel(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> limit.inFlight() == 0);
    }

    @Test
    void callsThatTimeOutOrFailGiveTheirPlaceBack() {
        GuildGrpc.GuildBlockingStub guild = GuildGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> guild.publish(publ(1, "not json"))).isInstanceOf(StatusRuntimeException.class);
        ingress.failWith(new TimeoutException());
        assertThatThrownBy(() -> guild.publish(publ(1, "{}"))).isInstanceOf(StatusRuntimeException.class);
        ingress.throwOnCall(new IllegalStateException("broken"));
        assertThatThrownBy(() -> guild.publish(publ(1, "{}"))).isInstanceOf(StatusRuntimeException.class);

        await().atMost(Duration.ofSeconds(5)).until(() -> limit.inFlight() == 0);
    }

    @Test
    void aRefusedCallHoldsNoPlace() throws Exception {
        ingress.hold();
        GuildGrpc.GuildFutureStub guild = GuildGrpc.newFutureStub(channel);
        ListenableFuture<Publr> first = guild.publish(publ(1, "{}"));
        ListenableFuture<Publr> second = guild.publish(publ(2, "{}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ingress.calls().size() == 2);

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> GuildGrpc.newBlockingStub(channel).publish(publ(3, "{}")))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).isEqualTo("too many publishes in flight (limit 2)");
                    });
        }
        assertThat(limit.inFlight()).isEqualTo(2);

        ingress.releaseHeld();
        assertThat(first.get(5, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
        assertThat(second.get(5, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.inFlight() == 0);
    }

    @Test
    void requestBytesInFlightAreBoundedTooAndARefusedRequestIsNeverRead() throws Exception {
        InflightLimit bytes = new InflightLimit(100, 5L * 1024 * 1024);
        Server guarded = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new GuildIngressService(ingress), bytes))
                .build()
                .start();
        ManagedChannel to = NettyChannelBuilder.forAddress("127.0.0.1", guarded.getPort()).usePlaintext()
                .maxInboundMessageSize(8 * 1024 * 1024).build();
        try {
            ingress.maxEventBytes(8L * 1024 * 1024);
            ingress.hold();
            String three = "{\"x\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}";
            ListenableFuture<Publr> first = GuildGrpc.newFutureStub(to).publish(publ(1, three));
            await().atMost(Duration.ofSeconds(10)).until(() -> ingress.calls().size() == 1);
            assertThat(bytes.bytesInFlight()).isGreaterThan(3L * 1024 * 1024);

            // A second 3 MiB request would hold more than 5 MiB: refused, and the ingress never sees it.
            assertThatThrownBy(() -> GuildGrpc.newBlockingStub(to).publish(publ(2, three)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("request bytes");
                    });
            // Small ones still fit.
            ListenableFuture<Publr> small = GuildGrpc.newFutureStub(to).publish(publ(3, "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ingress.calls().size() == 2);
            assertThat(ingress.calls()).extracting(RecordingIngress.Call::id).containsExactly(1L, 3L);

            ingress.releaseHeld();
            assertThat(first.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
            assertThat(small.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Success");
            await().atMost(Duration.ofSeconds(5)).until(() -> bytes.bytesInFlight() == 0 && bytes.inFlight() == 0);
        } finally {
            to.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            guarded.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
