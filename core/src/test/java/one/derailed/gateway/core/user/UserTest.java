package one.derailed.gateway.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The User entity's view of its sessions across nodes, with every message going through the CBOR serializer. */
class UserTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final long USER = 77;
    private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
    private final TestProbe<User.Delivered> delivered = KIT.createTestProbe();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private ActorRef<User.Command> user() {
        return KIT.spawn(User.create(USER, shard.getRef(), Duration.ofMinutes(1),
                new User.StartLimits(1000, Duration.ofHours(24), 1, Duration.ofSeconds(5)), new GatewayMetrics()));
    }

    private static User.Attach attach(TestProbe<Relay.Command> relay, long session) {
        return new User.Attach(relay.getRef(), session, Intents.ALL, 0, 1);
    }

    @Test
    void aMovedSessionGetsUserEventsOnItsNewNodeAfterTheOldNodeIsDrained() {
        TestProbe<Relay.Command> oldNode = KIT.createTestProbe();
        TestProbe<Relay.Command> newNode = KIT.createTestProbe();
        ActorRef<User.Command> user = user();
        user.tell(attach(oldNode, 1));
        assertThat(oldNode.expectMessageClass(Relay.Attached.class).userId()).isEqualTo(USER);

        user.tell(new User.Publish("USER_UPDATE", "{\"n\":1}".getBytes(), delivered.getRef()));
        user.tell(new User.Move(oldNode.getRef(), 1, attach(newNode, 9)));
        user.tell(new User.Publish("USER_UPDATE", "{\"n\":2}".getBytes(), delivered.getRef()));

        assertThat(oldNode.expectMessageClass(Relay.Deliver.class).sessions()).containsExactly(1L);
        assertThat(oldNode.expectMessageClass(Relay.Drained.class)).isEqualTo(new Relay.Drained(1, USER));
        assertThat(newNode.expectMessageClass(Relay.Attached.class).session()).isEqualTo(9);
        Relay.Deliver after = newNode.expectMessageClass(Relay.Deliver.class);
        assertThat(after.sessions()).containsExactly(9L);
        assertThat(new String(after.data())).isEqualTo("{\"n\":2}");
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(1);
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(1);
        oldNode.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void theSessionsOfANodeThatIsGoneAreForgotten() {
        TestProbe<Relay.Command> doomed = KIT.createTestProbe();
        TestProbe<Relay.Command> survivor = KIT.createTestProbe();
        ActorRef<User.Command> user = user();
        user.tell(attach(doomed, 1));
        user.tell(attach(doomed, 2));
        user.tell(attach(survivor, 3));
        doomed.expectMessageClass(Relay.Attached.class);
        doomed.expectMessageClass(Relay.Attached.class);
        survivor.expectMessageClass(Relay.Attached.class);

        doomed.stop();
        // The watch's Terminated and the next Publish race; the publish is asked again until the node is gone.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            user.tell(new User.Publish("USER_UPDATE", "{}".getBytes(), delivered.getRef()));
            return delivered.receiveMessage().sessions() == 1;
        });
        assertThat(survivor.expectMessageClass(Relay.Deliver.class).sessions()).containsExactly(3L);
    }

    @Test
    void revokingTellsEverySessionOnEveryNodeAndDeliversNothing() {
        TestProbe<Relay.Command> nodeA = KIT.createTestProbe();
        TestProbe<Relay.Command> nodeB = KIT.createTestProbe();
        ActorRef<User.Command> user = user();
        user.tell(attach(nodeA, 1));
        user.tell(attach(nodeA, 2));
        user.tell(attach(nodeB, 3));
        nodeA.expectMessageClass(Relay.Attached.class);
        nodeA.expectMessageClass(Relay.Attached.class);
        nodeB.expectMessageClass(Relay.Attached.class);

        user.tell(new User.Publish(User.SESSIONS_REVOKED, "{\"reason\":\"suspended\"}".getBytes(), delivered.getRef()));

        assertThat(nodeA.expectMessageClass(Relay.Revoke.class).sessions()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(nodeB.expectMessageClass(Relay.Revoke.class).sessions()).containsExactly(3L);
        assertThat(delivered.receiveMessage().sessions()).isEqualTo(3);
        nodeA.expectNoMessage(Duration.ofMillis(100));
        nodeB.expectNoMessage(Duration.ofMillis(100));
    }
}
