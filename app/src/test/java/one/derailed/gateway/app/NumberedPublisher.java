package one.derailed.gateway.app;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;

/**
 * NumberedPublisher publishes MESSAGE_CREATE "n=1", "n=2", ... to one guild through a gateway's gRPC ingress, as the
 * Derailed API does, one call at a time: each call carries an {@code idempotency-key} of its own (docs/grpc.md), and
 * a call that fails is made again with the same key until it returns Success, so an event whose first answer was
 * lost (UNAVAILABLE: it may still be delivered) reaches clients once all the same. It keeps what every call answered.
 */
final class NumberedPublisher implements AutoCloseable {
    private static final Metadata.Key<String> IDEMPOTENCY_KEY =
            Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
    /** Longer than the gateway's own ask timeout (5 s), so that the gateway's answer, not the client's, ends a call. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** The API's pause before it retries a failed publish. */
    private static final Duration RETRY_DELAY = Duration.ofMillis(100);

    /** What publishing event {@code number} took: every failed attempt's status, then Success (or not). */
    record Outcome(int number, List<Status.Code> failures, boolean succeeded, long firstSentNanos) {
        boolean retried() {
            return !failures.isEmpty();
        }
    }

    private final ManagedChannel channel;
    private final GuildGrpc.GuildBlockingStub guild;
    private final String guildId;
    private final String keyPrefix = "it-" + UUID.randomUUID() + "-";
    private final Map<Integer, Outcome> outcomes = new TreeMap<>();
    private int last;

    NumberedPublisher(int grpcPort, String guildId) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        this.guild = GuildGrpc.newBlockingStub(channel);
        this.guildId = guildId;
    }

    /**
     * Publishes the next event, retrying with its key until it returns Success or {@code giveUpAfter} passes; returns
     * its number.
     */
    int publishNext(Duration giveUpAfter) throws InterruptedException {
        int number = ++last;
        long start = System.nanoTime();
        long deadline = start + giveUpAfter.toNanos();
        Metadata headers = new Metadata();
        headers.put(IDEMPOTENCY_KEY, keyPrefix + number);
        GuildGrpc.GuildBlockingStub keyed = guild.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        Publ request = Publ.newBuilder().setGuildId(guildId).setMessage(Message.newBuilder()
                .setEvent("MESSAGE_CREATE").setData("{\"content\":\"n=" + number + "\"}")).build();
        List<Status.Code> failures = new ArrayList<>();
        boolean succeeded = false;
        while (!succeeded && System.nanoTime() < deadline) {
            try {
                String reply = keyed.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).publish(request)
                        .getMessage();
                succeeded = "Success".equals(reply);
                if (!succeeded) {
                    throw new AssertionError("publish n=" + number + " answered " + reply);
                }
            } catch (StatusRuntimeException failed) {
                failures.add(failed.getStatus().getCode());
                Thread.sleep(RETRY_DELAY.toMillis());
            }
        }
        synchronized (this) {
            outcomes.put(number, new Outcome(number, List.copyOf(failures), succeeded, start));
        }
        return number;
    }

    int last() {
        return last;
    }

    synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes.values());
    }

    /** One line for the test's output: how many events, how many calls failed (by status), how many were retried. */
    synchronized String summary() {
        Map<Status.Code, Integer> byCode = new TreeMap<>();
        int retried = 0;
        int failedCalls = 0;
        int unsucceeded = 0;
        for (Outcome outcome : outcomes.values()) {
            retried += outcome.retried() ? 1 : 0;
            failedCalls += outcome.failures().size();
            unsucceeded += outcome.succeeded() ? 0 : 1;
            outcome.failures().forEach(code -> byCode.merge(code, 1, Integer::sum));
        }
        return outcomes.size() + " events published; " + failedCalls + " calls failed " + byCode + "; "
                + retried + " events retried with their idempotency key; " + unsucceeded + " never succeeded";
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
