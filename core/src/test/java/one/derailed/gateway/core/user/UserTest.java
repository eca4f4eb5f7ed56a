package one.derailed.gateway.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.LogLines;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The User entity's view of its sessions across nodes, with every message going through the CBOR serializer. */
class UserTest {

    /** Entities send relays numbered messages: each relay probe gets them through an unwrapping stand-in. */
    private final java.util.Map<TestProbe<RelayProtocol.Command>, ActorRef<RelayProtocol.Command>> relayRefs =
            new java.util.HashMap<>();

    private ActorRef<RelayProtocol.Command> ref(TestProbe<RelayProtocol.Command> probe) {
        return relayRefs.computeIfAbsent(probe, p -> one.derailed.gateway.core.relay.RelayProbes.unwrapping(KIT, p));
    }
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final long USER = 77;
    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
    private final TestProbe<UserProtocol.Delivered> delivered = KIT.createTestProbe();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static final GatewaySettings SETTINGS = GatewaySettings.from(ActorTests.config());
    /** What a user sent its next incarnation. */
    private final TestProbe<UserProtocol.Command> successor = KIT.createTestProbe();

    private ActorRef<UserProtocol.Command> user() {
        return KIT.spawn(User.create(USER, shard.getRef(), new User.Services(
                new GatewaySettings.StartLimits(1000, Duration.ofHours(24), 1, Duration.ofSeconds(5)),
                SETTINGS.guilds(), (userId, command) -> successor.getRef().tell(command), new GatewayMetrics())));
    }

    private UserProtocol.Attach attach(TestProbe<RelayProtocol.Command> relay, long session) {
        return new UserProtocol.Attach(ref(relay), session, Intents.ALL, 0, 1, 0);
    }

    @Test
    void aMovedSessionGetsUserEventsOnItsNewNodeAfterTheOldNodeIsDrained() {
        TestProbe<RelayProtocol.Command> oldNode = KIT.createTestProbe();
        TestProbe<RelayProtocol.Command> newNode = KIT.createTestProbe();
        ActorRef<UserProtocol.Command> user = user();
        user.tell(attach(oldNode, 1));
        assertThat(oldNode.expectMessageClass(RelayProtocol.Attached.class).userId()).isEqualTo(USER);

        user.tell(new UserProtocol.Publish("USER_UPDATE", "{\"n\":1}".getBytes(), null, delivered.getRef()));
        user.tell(new UserProtocol.Move(ref(oldNode), 1, attach(newNode, 9)));
        user.tell(new UserProtocol.Publish("USER_UPDATE", "{\"n\":2}".getBytes(), null, delivered.getRef()));

        assertThat(oldNode.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactly(1L);
        assertThat(oldNode.expectMessageClass(RelayProtocol.Drained.class)).isEqualTo(new RelayProtocol.Drained(1, USER));
        assertThat(newNode.expectMessageClass(RelayProtocol.Attached.class).session()).isEqualTo(9);
        RelayProtocol.Deliver after = newNode.expectMessageClass(RelayProtocol.Deliver.class);
        assertThat(after.sessions()).containsExactly(9L);
        assertThat(new String(after.data())).isEqualTo("{\"n\":2}");
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(1);
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(1);
        oldNode.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void theSessionsOfANodeThatIsGoneAreForgotten() {
        TestProbe<RelayProtocol.Command> doomed = KIT.createTestProbe();
        TestProbe<RelayProtocol.Command> survivor = KIT.createTestProbe();
        ActorRef<UserProtocol.Command> user = user();
        user.tell(attach(doomed, 1));
        user.tell(attach(doomed, 2));
        user.tell(attach(survivor, 3));
        doomed.expectMessageClass(RelayProtocol.Attached.class);
        doomed.expectMessageClass(RelayProtocol.Attached.class);
        survivor.expectMessageClass(RelayProtocol.Attached.class);

        try (LogLines log = LogLines.capture()) {
            KIT.stop(ref(doomed));
            // The watch's Terminated and the next Publish race; the publish is asked again until the node is gone.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                user.tell(new UserProtocol.Publish("USER_UPDATE", "{}".getBytes(), null, delivered.getRef()));
                return delivered.receiveMessage().sessions() == 1;
            });
            assertThat(survivor.expectMessageClass(RelayProtocol.Deliver.class).sessions()).containsExactly(3L);
            assertThat(log.lines()).contains(User.class.getName() + " INFO user " + USER
                    + ": a node left with 2 of its sessions");
        }
    }

    @Test
    void revokingTellsEverySessionOnEveryNodeAndDeliversNothing() {
        TestProbe<RelayProtocol.Command> nodeA = KIT.createTestProbe();
        TestProbe<RelayProtocol.Command> nodeB = KIT.createTestProbe();
        ActorRef<UserProtocol.Command> user = user();
        user.tell(attach(nodeA, 1));
        user.tell(attach(nodeA, 2));
        user.tell(attach(nodeB, 3));
        nodeA.expectMessageClass(RelayProtocol.Attached.class);
        nodeA.expectMessageClass(RelayProtocol.Attached.class);
        nodeB.expectMessageClass(RelayProtocol.Attached.class);

        user.tell(new UserProtocol.Publish(User.SESSIONS_REVOKED, "{\"reason\":\"suspended\"}".getBytes(), null,
                delivered.getRef()));

        assertThat(nodeA.expectMessageClass(RelayProtocol.Revoke.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(nodeB.expectMessageClass(RelayProtocol.Revoke.class).sessions()).containsExactly(3L);
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(3);
        nodeA.expectNoMessage(Duration.ofMillis(100));
        nodeB.expectNoMessage(Duration.ofMillis(100));
    }
}
