package one.derailed.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RequestDeadline on a real listener with short deadlines: silent and trickling connections get 408, idle kept-alive
 * ones are closed, and a request being answered is never cut, however long its answer takes.
 */
class RequestDeadlineTest {
    private static final Duration REQUEST = Duration.ofMillis(300);
    private static final Duration IDLE = Duration.ofMillis(500);

    private final AtomicInteger timeouts = new AtomicInteger();
    private EventLoopGroup group;
    private Channel listener;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(HttpLimits.codec())
                                .addLast(HttpLimits.aggregator())
                                .addLast(new RequestDeadline(REQUEST, IDLE, late -> timeouts.incrementAndGet()))
                                .addLast(BadRequests.INSTANCE)
                                .addLast(new Slow());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** Answers /slow after three request deadlines, everything else at once. */
    private static final class Slow extends OrderedResponder {
        Slow() {
            super(4);
        }

        @Override
        protected CompletionStage<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse ok = Responses.text(HttpResponseStatus.OK, "text/plain", "ok");
            if (!request.uri().equals("/slow")) {
                return CompletableFuture.completedFuture(ok);
            }
            return CompletableFuture.supplyAsync(() -> ok,
                    CompletableFuture.delayedExecutor(REQUEST.toMillis() * 3, TimeUnit.MILLISECONDS));
        }
    }

    @AfterEach
    void stop() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Test
    void aSilentConnectionIsAnswered408AndClosed() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            RawHttp.Answer answer = http.read();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(timeouts.get()).isEqualTo(1);
    }

    @Test
    void aRequestTrickledInPastItsDeadlineIsAnswered408() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.send("GET / HTTP/1.1\r\n");
            http.send("Host: 127.0.0.1\r\n");
            // ... and the rest never comes.
            assertThat(http.read().status()).isEqualTo(408);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterItsAnswers() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.send(RawHttp.get("/"));
            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aSlowAnswerIsNotCut() throws Exception {
        try (RawHttp http = new RawHttp(port())) {
            http.send(RawHttp.get("/slow"));
            assertThat(http.read().status()).isEqualTo(200);
            http.send(RawHttp.get("/"));
            assertThat(http.read().status()).isEqualTo(200);
        }
        assertThat(timeouts.get()).isZero();
    }
}
