package one.derailed.gateway.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch reads Pekko's and the gateway's own log lines (as a node writes them) as they are appended. */
class MembershipWatchTest {
    @TempDir
    Path dir;

    @Test
    void classifiesChangesAndKeepsLateHeartbeatsAndTheEntitiesLinesApart() throws Exception {
        Path log = dir.resolve("core1.log");
        Files.writeString(log, now() + " INFO  o.a.p.cluster.Cluster - Cluster Node [pekko://derailed@127.0.0.1:18102]"
                + " - Node [pekko://derailed@127.0.0.1:18112] is JOINING, roles [websocket, sessions]\n");
        NodeProcess node = new NodeProcess(new NodeSpec("core1", List.of("guilds"), 1, 0, 2, 0, 1, 1, 1), log);
        try (MembershipWatch watch = new MembershipWatch(List.of(node))) {
            watch.markSteady();
            assertThat(watch.changes()).isEmpty();
            Files.writeString(log, String.join("\n",
                    now() + " WARN  o.a.p.r.PhiAccrualFailureDetector - heartbeat interval is growing too large for"
                            + " address pekko://derailed@127.0.0.1:18112: 3921 millis",
                    now() + " WARN  o.a.p.cluster.Cluster - Cluster Node [pekko://derailed@127.0.0.1:18102] - Marking"
                            + " node as UNREACHABLE [Member(pekko://derailed@127.0.0.1:18122, Up)].",
                    now() + " WARN  o.a.p.c.s.SplitBrainResolver - SBR took decision DownUnreachable and is downing"
                            + " [pekko://derailed@127.0.0.1:18122], [1] unreachable of [4] members",
                    now() + " INFO  o.d.g.core.guild.Guild - guild 1: a node left with sessions here; 10 users went"
                            + " offline",
                    now() + " INFO  o.d.g.core.user.User - user 2: a node left with 1 of its sessions",
                    now() + " WARN  o.a.p.c.ClusterHeartbeat - Cluster Node [pekko://derailed@127.0.0.1:18122] -"
                            + " Scheduled sending of heartbeat was delayed. Previous heartbeat was sent [4253] ms"
                            + " ago, expected interval is [1000] ms.", ""),
                    java.nio.file.StandardOpenOption.APPEND);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> watch.changes().size() == 4);
            assertThat(watch.changes()).extracting(MembershipWatch.Event::kind).containsExactly("unreachable",
                    "downing decision", "guild dropped a node's sessions", "user lost a node's sessions");
            assertThat(watch.membershipChanges()).extracting(MembershipWatch.Event::kind)
                    .containsExactly("unreachable", "downing decision");
            assertThat(watch.lateHeartbeats()).containsExactly(2, 4253);
        }
    }

    private static String now() {
        return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
    }
}
