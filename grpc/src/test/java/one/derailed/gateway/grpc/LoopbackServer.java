package one.derailed.gateway.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** LoopbackServer is a real {@link IngressServer} on 127.0.0.1 with a free port and a plaintext channel to it. */
final class LoopbackServer implements AutoCloseable {
    final RecordingIngress ingress = new RecordingIngress();
    final IngressServer server;
    final ManagedChannel channel;

    LoopbackServer() throws IOException {
        this(64);
    }

    LoopbackServer(int maxInflightCalls) throws IOException {
        server = IngressServer.start(new GrpcSettings("127.0.0.1", 0, maxInflightCalls), ingress);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }
}
