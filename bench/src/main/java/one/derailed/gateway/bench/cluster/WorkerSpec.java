package one.derailed.gateway.bench.cluster;

import java.util.List;

/**
 * WorkerSpec is one load generator process as planned: the tokens file lines it holds ({@code from}, {@code count}),
 * the edge nodes it connects to, in the order its endpoints are given (its sessions start spread over all of them;
 * the first also takes the observers), its heap and the open files it needs.
 */
public record WorkerSpec(String name, int from, int count, List<Integer> edges, int threads, long heapMib,
                         long expectedRssMib, int openFiles) {
}
