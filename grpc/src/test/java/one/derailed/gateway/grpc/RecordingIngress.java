package one.derailed.gateway.grpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import one.derailed.gateway.core.ingress.EventIngress;

/**
 * RecordingIngress is an in-memory {@link EventIngress}: it records every call in order and answers as it was told,
 * at once, with a failure, or only when the test releases the held stages.
 */
final class RecordingIngress implements EventIngress {

    /**
     * Call is one recorded call: its kind ("guild", "user" or "guildInfo"), target id, event, data bytes and
     * idempotency key (null: none).
     */
    record Call(String kind, long id, String event, byte[] data, String key) {
        Call(String kind, long id, String event, byte[] data) {
            this(kind, id, event, data, null);
        }

        String dataText() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<?>> held = new ArrayList<>();
    private volatile Throwable failure;
    private volatile RuntimeException thrown;
    private volatile boolean holding;
    private volatile GuildInfo guildInfo = new GuildInfo(0, false);
    private volatile long maxEventBytes = 1 << 20;

    void maxEventBytes(long bytes) {
        this.maxEventBytes = bytes;
    }

    @Override
    public long maxEventBytes() {
        return maxEventBytes;
    }

    /** Makes every later stage fail with {@code failure}. */
    void failWith(Throwable failure) {
        this.failure = failure;
    }

    /** Makes every later call throw {@code thrown} instead of returning a stage. */
    void throwOnCall(RuntimeException thrown) {
        this.thrown = thrown;
    }

    /** Makes every later stage wait until {@link #releaseHeld()}. */
    void hold() {
        this.holding = true;
    }

    /** Completes every held stage (successfully unless told to fail) and stops holding. */
    void releaseHeld() {
        List<CompletableFuture<?>> toRelease;
        synchronized (held) {
            holding = false;
            toRelease = new ArrayList<>(held);
            held.clear();
        }
        toRelease.forEach(f -> f.complete(null));
    }

    void answerGuildInfo(GuildInfo info) {
        this.guildInfo = info;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public CompletionStage<Void> publishToGuild(long guildId, String event, byte[] data, String key) {
        calls.add(new Call("guild", guildId, event, data.clone(), key));
        return answer(null);
    }

    @Override
    public CompletionStage<Void> publishToUser(long userId, String event, byte[] data, String key) {
        calls.add(new Call("user", userId, event, data.clone(), key));
        return answer(null);
    }

    @Override
    public CompletionStage<GuildInfo> guildInfo(long guildId) {
        calls.add(new Call("guildInfo", guildId, null, new byte[0]));
        return answer(guildInfo);
    }

    private <T> CompletionStage<T> answer(T value) {
        if (thrown != null) {
            throw thrown;
        }
        Throwable fail = failure;
        if (fail != null) {
            return CompletableFuture.failedFuture(fail);
        }
        synchronized (held) {
            if (holding) {
                CompletableFuture<T> later = new CompletableFuture<>();
                held.add(later);
                return later.thenApply(ignored -> value);
            }
        }
        return CompletableFuture.completedFuture(value);
    }
}
