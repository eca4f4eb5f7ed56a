package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.overload.ClientBytes;
import one.derailed.grpc.GetGuildInfo;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import one.derailed.grpc.UPubl;
import one.derailed.grpc.UserGrpc;
import org.junit.jupiter.api.Test;

/**
 * A real ingress whose node is over its client-bytes bound refuses publishes with RESOURCE_EXHAUSTED and a retry
 * pushback, publishes nothing, and takes them again once the node is back under its bound.
 */
class OverloadGuardTest {

    @Test
    void anOverloadedNodeRefusesPublishesUntilItIsBackUnderItsBound() throws Exception {
        ClientBytes bytes = new ClientBytes(1_000);
        GatewayMetrics metrics = new GatewayMetrics(bytes);
        RecordingIngress ingress = new RecordingIngress();
        IngressServer server = IngressServer.start(new GrpcSettings("127.0.0.1", 0, 64), ingress, metrics);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            Publ publ = Publ.newBuilder().setGuildId("5")
                    .setMessage(Message.newBuilder().setEvent("MESSAGE_CREATE").setData("{}")).build();
            assertThat(GuildGrpc.newBlockingStub(channel).publish(publ).getMessage()).isEqualTo("Success");

            bytes.add(ClientBytes.Kind.SOCKETS, 5_000);
            assertThatThrownBy(() -> GuildGrpc.newBlockingStub(channel).publish(publ))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("overloaded", "5000", "1000",
                                "nothing was published");
                        assertThat(e.getTrailers().get(OverloadGuard.RETRY_PUSHBACK)).isEqualTo("1000");
                    });
            assertThatThrownBy(() -> UserGrpc.newBlockingStub(channel).publish(UPubl.newBuilder().setUserId("6")
                    .setMessage(Message.newBuilder().setEvent("USER_UPDATE").setData("{}")).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            // Reading is not publishing: it still answers.
            assertThat(GuildGrpc.newBlockingStub(channel).getGuildInfo(GetGuildInfo.newBuilder().setGuildId("5")
                    .build()).getAvailable()).isFalse();
            assertThat(ingress.calls()).extracting(RecordingIngress.Call::kind).containsExactly("guild", "guildInfo");
            assertThat(metrics.scrape()).contains("derailed_overload_refused_total 2.0");

            bytes.add(ClientBytes.Kind.SOCKETS, -5_000);
            assertThat(GuildGrpc.newBlockingStub(channel).publish(publ).getMessage()).isEqualTo("Success");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
            metrics.close();
        }
    }
}
