package one.derailed.gateway.grpc;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.ingress.EventIngress.GuildInfo;
import one.derailed.grpc.GetGuildInfo;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import one.derailed.grpc.RepliedGuildInfo;
import one.derailed.grpc.UPubl;
import one.derailed.grpc.UserGrpc;

/**
 * IngressClient publishes to a gateway's gRPC ingress (plaintext unless given TLS credentials, with the gateway's
 * bearer token when it has one), each call with a deadline ({@link #DEFAULT_DEADLINE} unless
 * told otherwise). Failures come out as
 * {@link io.grpc.StatusRuntimeException} carrying the server's status.
 */
public final class IngressClient implements AutoCloseable {
    /** How long a call may take before it fails with DEADLINE_EXCEEDED. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final GuildGrpc.GuildBlockingStub guild;
    private final GuildGrpc.GuildFutureStub guildFuture;
    private final UserGrpc.UserBlockingStub user;
    private final long deadlineMillis;

    public IngressClient(String host, int port) {
        this(host, port, null);
    }

    /** With a non-null {@code bearerTokenOrNull}, every call carries {@code authorization: Bearer <token>}. */
    public IngressClient(String host, int port, String bearerTokenOrNull) {
        this(host, port, bearerTokenOrNull, DEFAULT_DEADLINE);
    }

    public IngressClient(String host, int port, String bearerTokenOrNull, Duration deadline) {
        this(host, port, bearerTokenOrNull, deadline, InsecureChannelCredentials.create());
    }

    /**
     * With {@code credentials}: {@link InsecureChannelCredentials} for plaintext, {@link #tlsTrusting(Path)} for a
     * gateway with its own certificate, or {@code TlsChannelCredentials.create()} for one the system trusts.
     */
    public IngressClient(String host, int port, String bearerTokenOrNull, Duration deadline,
                         ChannelCredentials credentials) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port, credentials);
        if (bearerTokenOrNull != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + bearerTokenOrNull);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.channel = builder.build();
        this.guild = GuildGrpc.newBlockingStub(channel);
        this.guildFuture = GuildGrpc.newFutureStub(channel);
        this.user = UserGrpc.newBlockingStub(channel);
        this.deadlineMillis = deadline.toMillis();
    }

    /** TLS credentials that trust the PEM certificate(s) in {@code certificate}, e.g. a gateway's self-signed one. */
    public static ChannelCredentials tlsTrusting(Path certificate) throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(certificate.toFile()).build();
    }

    /** Publishes {@code event} with {@code dataJson} as its {@code d} to guild {@code guildId}; returns the reply. */
    public String publishToGuild(long guildId, String event, String dataJson) {
        return publishToGuild(guildId, event, dataJson, null);
    }

    /**
     * As {@link #publishToGuild(long, String, String)}, with an {@code idempotency-key} (null: none): a retry with the
     * same key after an unknown outcome is delivered at most once.
     */
    public String publishToGuild(long guildId, String event, String dataJson, String idempotencyKey) {
        Publ request = Publ.newBuilder()
                .setGuildId(Long.toString(guildId))
                .setMessage(message(event, dataJson))
                .build();
        return keyed(guild, idempotencyKey).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .publish(request).getMessage();
    }

    /**
     * As {@link #publishToGuild(long, String, String)}, without holding a thread for the call: the future completes
     * with the reply, or fails with the call's {@link io.grpc.StatusRuntimeException}, on a gRPC thread (grpc-java's
     * future stub). A caller with many calls in flight at once (a load generator's publisher) needs no thread for each.
     */
    public ListenableFuture<String> publishToGuildAsync(long guildId, String event, String dataJson) {
        Publ request = Publ.newBuilder()
                .setGuildId(Long.toString(guildId))
                .setMessage(message(event, dataJson))
                .build();
        return Futures.transform(
                guildFuture.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).publish(request),
                Publr::getMessage, MoreExecutors.directExecutor());
    }

    /** Publishes {@code event} with {@code dataJson} as its {@code d} to user {@code userId}; returns the reply. */
    public String publishToUser(long userId, String event, String dataJson) {
        return publishToUser(userId, event, dataJson, null);
    }

    /** As {@link #publishToUser(long, String, String)}, with an {@code idempotency-key} (null: none). */
    public String publishToUser(long userId, String event, String dataJson, String idempotencyKey) {
        UPubl request = UPubl.newBuilder()
                .setUserId(Long.toString(userId))
                .setMessage(message(event, dataJson))
                .build();
        return keyed(user, idempotencyKey).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .publish(request).getMessage();
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S keyed(S stub, String idempotencyKey) {
        if (idempotencyKey == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(IdempotencyKeys.HEADER, idempotencyKey);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Returns how many members of guild {@code guildId} are online and whether it is live in the gateway. */
    public GuildInfo guildInfo(long guildId) {
        GetGuildInfo request = GetGuildInfo.newBuilder().setGuildId(Long.toString(guildId)).build();
        RepliedGuildInfo reply = guild.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).getGuildInfo(request);
        return new GuildInfo(reply.getPresences(), reply.getAvailable());
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(DEFAULT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static Message message(String event, String dataJson) {
        return Message.newBuilder().setEvent(event).setData(dataJson).build();
    }
}
