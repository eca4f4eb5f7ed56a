package one.derailed.gateway.core.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.pattern.Patterns;

/**
 * ShardHomes has a node learn where every shard of an entity type lives, before it reports ready. Every IDENTIFY
 * asks the user's entity whether the session may start, within {@code sessions.ready-timeout}; the first message to
 * a shard makes the node's region (or proxy) ask the coordinator for the shard's home, and in a new cluster the
 * coordinator places the shard first. Left to the first identify storm on a starved machine, that took longer than
 * the 10 s for some sessions (docs/benchmarks.md, attempt 8: 14 of 200,000 closed 4000 in the cold cluster's first
 * minute); done before {@code /readyz} answers 200, it happens while the node has nothing else to do.
 *
 * <p>It costs one idle entity per shard, cluster-wide: the ids are below zero, which no snowflake is, and each entity
 * passivates after {@code guilds.idle-timeout} as an unused one does.
 */
final class ShardHomes {
    /** How long a failed ask (not a timed-out one, which has waited already) waits before it is made again. */
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private ShardHomes() {}

    /**
     * Starts one entity of {@code typeName} in each of its {@code shards} shards, each ask made again after
     * {@code tryTimeout} until it is answered or the actor system stops; completes when every shard has answered.
     */
    static CompletableFuture<Void> learn(ActorSystem<?> system, String typeName, int shards, Duration tryTimeout) {
        ActorRef region = ClusterSharding.get(Adapter.toClassic(system)).shardRegion(typeName);
        List<CompletableFuture<Object>> answers = new ArrayList<>(shards);
        for (String entityId : oneEntityPerShard(shards)) {
            answers.add(start(system, region, entityId, tryTimeout));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    private static CompletableFuture<Object> start(ActorSystem<?> system, ActorRef region, String entityId,
                                                   Duration tryTimeout) {
        long asked = System.nanoTime();
        return Patterns.ask(region, new ShardRegion.StartEntity(entityId), tryTimeout).toCompletableFuture()
                .exceptionallyCompose(failure -> {
                    if (system.whenTerminated().isCompleted()) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                    long pauseMillis = Math.max(0, AFTER_FAILURE.toMillis() - waitedMillis);
                    return CompletableFuture.supplyAsync(() -> null,
                                    CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS))
                            .thenCompose(again -> start(system, region, entityId, tryTimeout));
                });
    }

    /** An entity id for each shard, in shard order: the first negative numbers that land in it. */
    static List<String> oneEntityPerShard(int shards) {
        HashCodeMessageExtractor<Object> extractor = new HashCodeMessageExtractor<>(shards);
        String[] ids = new String[shards];
        int found = 0;
        // each id lands in a given shard with chance 1/shards, so this bound is never near
        for (long id = -1; found < shards; id--) {
            if (id < -1_000L * shards) {
                throw new IllegalStateException("no negative entity id found for every one of " + shards + " shards");
            }
            String candidate = Long.toString(id);
            int shard = Integer.parseInt(extractor.shardId(candidate));
            if (ids[shard] == null) {
                ids[shard] = candidate;
                found++;
            }
        }
        return List.of(ids);
    }
}
