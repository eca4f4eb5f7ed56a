package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import org.junit.jupiter.api.Test;

/**
 * The publisher keeps its bound of calls in flight against an ingress that answers slowly, as the gateway's did at
 * the many-guilds run's load (~350 ms). Its calls were blocking, on 32 threads: 80 publishes/s of the 20,000 asked,
 * with the rest of the bound waiting for a thread.
 */
class PublisherTest {
    private static final long ANSWER_AFTER_MILLIS = 300;

    @Test
    void keepsItsBoundOfCallsInFlightAgainstASlowIngressWithoutAThreadForEach() throws Exception {
        ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        Server ingress = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new GuildGrpc.GuildImplBase() {
                    @Override
                    public void publish(Publ request, StreamObserver<Publr> reply) {
                        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        answers.schedule(() -> {
                            inFlight.decrementAndGet();
                            reply.onNext(Publr.newBuilder().setMessage("ok").build());
                            reply.onCompleted();
                        }, ANSWER_AFTER_MILLIS, TimeUnit.MILLISECONDS);
                    }
                })
                .build()
                .start();
        Options.Publishing options = new Options.Publishing();
        options.payloadBytes = 256;
        options.maxInflightPublishes = 2048;
        List<Long> guilds = LongStream.rangeClosed(1, 1000).boxed().toList();
        try (Publisher publisher = new Publisher(List.of("127.0.0.1:" + ingress.getPort()), null, options,
                "MESSAGE_CREATE", new Fleets(List.of()), guild -> 10)) {
            // 1,000 publishes/s for 2 s: ~300 in flight at once, each answered after 300 ms
            assertThat(publisher.run(guilds, 1000, Duration.ofSeconds(2).toNanos())).isEqualTo(2000);
            await().atMost(Duration.ofSeconds(10)).until(() -> publisher.publishes() == 2000);
            assertThat(publisher.skipped()).isZero();
            assertThat(publisher.failureCount()).isZero();
            assertThat(publisher.expected()).isEqualTo(20_000);
            assertThat(mostInFlight.get()).isGreaterThan(200);
        } finally {
            ingress.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            answers.shutdownNow();
        }
    }

    /**
     * A publish that failed with a deadline passed or UNAVAILABLE may still have been delivered; one refused as
     * invalid or at a bound was not. The many-guilds run counted only the answered ones as expected and reported
     * 309.87 % delivered, with 16,326 deadlines passed.
     */
    @Test
    void countsWhatFailedPublishesMayHaveDeliveredApartFromWhatTheAnsweredOnesShould() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Server ingress = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new GuildGrpc.GuildImplBase() {
                    @Override
                    public void publish(Publ request, StreamObserver<Publr> reply) {
                        switch (calls.incrementAndGet() % 4) {
                            case 0 -> reply.onError(io.grpc.Status.DEADLINE_EXCEEDED.asRuntimeException());
                            case 1 -> reply.onError(io.grpc.Status.UNAVAILABLE.withDescription(
                                    "it may still be delivered").asRuntimeException());
                            case 2 -> reply.onError(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription(
                                    "not delivered").asRuntimeException());
                            default -> {
                                reply.onNext(Publr.newBuilder().setMessage("ok").build());
                                reply.onCompleted();
                            }
                        }
                    }
                })
                .build()
                .start();
        Options.Publishing options = new Options.Publishing();
        options.payloadBytes = 256;
        options.maxInflightPublishes = 200; // none skipped, however slowly the answers come
        try (Publisher publisher = new Publisher(List.of("127.0.0.1:" + ingress.getPort()), null, options,
                "MESSAGE_CREATE", new Fleets(List.of()), guild -> 10)) {
            assertThat(publisher.run(List.of(1L), 200, Duration.ofSeconds(1).toNanos())).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> publisher.publishes() + publisher.failureCount() == 200);
            assertThat(publisher.publishes()).isEqualTo(50);
            assertThat(publisher.expected()).isEqualTo(500);
            assertThat(publisher.unsettled()).as("the deadlines passed and the UNAVAILABLEs").isEqualTo(1000);
            assertThat(publisher.failures()).isEqualTo("{DEADLINE_EXCEEDED=50, RESOURCE_EXHAUSTED=50, UNAVAILABLE=50}");
        } finally {
            ingress.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
