package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's SessionHandoff looking for a session on its peers (two probes registered as peers), in the races of a
 * graceful leave: the session is moved from the leaving node to another while the claim looks for it.
 */
class HandoffLocateTest {
    private static final Duration LOCATE_TIMEOUT = Duration.ofSeconds(3);
    /** One actor system per test, so that each test's receptionist lists only its own peers. */
    private final ActorTestKit kit = ActorTestKit.create(ActorTests.config());

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
    }

    /**
     * Once a peer said the session is moving, "not here" from every peer only means it is between nodes (or a reply
     * of an earlier round came late, counted in this one): the locate waits for it to land, until its timeout. It
     * answered "no such session" at once, and the client, told op 9, lost a session that was about to arrive.
     */
    @Test
    void aLocateThatHeardTheSessionIsMovingDoesNotGiveUpWhenEveryPeerSaysNotHere() {
        Locating locating = locate("moving");
        TestProbe<HandoffProtocol.Command> leaving = locating.leaving();
        TestProbe<HandoffProtocol.Command> survivor = locating.survivor();
        TestProbe<HandoffProtocol.Located> located = locating.located();
        locating.claimant().tell(new MoveProtocol.Refused("moving", true));
        locating.claimant().tell(new HandoffProtocol.NotHere("moving"));

        // Claimed again: by now the session has left the leaving node and not yet landed on the survivor.
        HandoffProtocol.Claim again = leaving.expectMessageClass(HandoffProtocol.Claim.class);
        survivor.expectMessageClass(HandoffProtocol.Claim.class);
        again.claimant().tell(new HandoffProtocol.NotHere("moving"));
        again.claimant().tell(new HandoffProtocol.NotHere("moving"));
        located.expectNoMessage(Duration.ofSeconds(1));

        // It never lands (its node died with it): the locate ends at its timeout.
        assertThat(located.expectMessageClass(HandoffProtocol.Located.class, LOCATE_TIMEOUT).session()).isNull();
    }

    /**
     * A peer that leaves the cluster without answering (its node stopped before the claim reached it) may have moved
     * the session to another peer meanwhile, one that had already said "not here" because the claim reached it before
     * the session did. The claimant claims again of the peers that are left; it waited out its locate timeout and
     * told its client op 9.
     */
    @Test
    void aPeerThatLeavesWithoutAnsweringHasTheSessionClaimedAgainOfTheOthers() {
        Locating locating = locate("moved");
        TestProbe<HandoffProtocol.Command> leaving = locating.leaving();
        TestProbe<HandoffProtocol.Command> survivor = locating.survivor();
        TestProbe<HandoffProtocol.Located> located = locating.located();
        locating.claimant().tell(new HandoffProtocol.NotHere("moved"));
        kit.system().receptionist().tell(Receptionist.deregister(HandoffProtocol.SERVICE_KEY, leaving.ref()));

        HandoffProtocol.Claim again = survivor.expectMessageClass(HandoffProtocol.Claim.class, Duration.ofSeconds(2));
        assertThat(again.sessionId()).isEqualTo("moved");
        leaving.expectNoMessage(Duration.ofMillis(200));
        located.expectNoMessage(Duration.ZERO);
        // The survivor does not have it either: the session is gone, and the locate says so at its timeout.
        again.claimant().tell(new HandoffProtocol.NotHere("moved"));
        assertThat(located.expectMessageClass(HandoffProtocol.Located.class, LOCATE_TIMEOUT).session()).isNull();
    }

    /** A session no peer has, and none said was moving: "not here" from every peer answers at once. */
    @Test
    void aSessionNoPeerHasIsAnsweredAsSoonAsEveryPeerSaidSo() {
        TestProbe<HandoffProtocol.Command> one = kit.createTestProbe();
        TestProbe<HandoffProtocol.Command> other = kit.createTestProbe();
        ActorRef<HandoffProtocol.Command> handoff = handoffWithPeers(one, other);
        TestProbe<HandoffProtocol.Located> located = kit.createTestProbe();

        handoff.tell(new HandoffProtocol.Locate("unknown", "token", located.ref()));
        HandoffProtocol.Claim claim = one.expectMessageClass(HandoffProtocol.Claim.class);
        other.expectMessageClass(HandoffProtocol.Claim.class);
        claim.claimant().tell(new HandoffProtocol.NotHere("unknown"));
        claim.claimant().tell(new HandoffProtocol.NotHere("unknown"));
        assertThat(located.expectMessageClass(HandoffProtocol.Located.class, Duration.ofSeconds(1)).session())
                .isNull();
    }

    /** A locate in progress on a handoff whose peers are a leaving node and a survivor, each claimed once. */
    private record Locating(TestProbe<HandoffProtocol.Command> leaving, TestProbe<HandoffProtocol.Command> survivor,
                            TestProbe<HandoffProtocol.Located> located, ActorRef<HandoffProtocol.Command> claimant) {}

    private Locating locate(String sessionId) {
        TestProbe<HandoffProtocol.Command> leaving = kit.createTestProbe();
        TestProbe<HandoffProtocol.Command> survivor = kit.createTestProbe();
        ActorRef<HandoffProtocol.Command> handoff = handoffWithPeers(leaving, survivor);
        TestProbe<HandoffProtocol.Located> located = kit.createTestProbe();
        handoff.tell(new HandoffProtocol.Locate(sessionId, "token", located.ref()));
        HandoffProtocol.Claim claim = leaving.expectMessageClass(HandoffProtocol.Claim.class);
        survivor.expectMessageClass(HandoffProtocol.Claim.class);
        return new Locating(leaving, survivor, located, claim.claimant());
    }

    /** A handoff whose peers are exactly {@code a} and {@code b} (registered with the receptionist, as nodes do). */
    private ActorRef<HandoffProtocol.Command> handoffWithPeers(TestProbe<HandoffProtocol.Command> a,
                                                               TestProbe<HandoffProtocol.Command> b) {
        GatewaySettings settings = GatewaySettings.from(ActorTests.config());
        SessionServices services = new SessionServices(new SessionDirectory(), null, null, null, settings.sessions(),
                settings.limits(), "ws://127.0.0.1:0", true, new GatewayMetrics());
        kit.system().receptionist().tell(Receptionist.register(HandoffProtocol.SERVICE_KEY, a.ref()));
        kit.system().receptionist().tell(Receptionist.register(HandoffProtocol.SERVICE_KEY, b.ref()));
        ActorRef<HandoffProtocol.Command> handoff = kit.spawn(SessionHandoff.create(services, LOCATE_TIMEOUT));
        // Until the listing reached the handoff, a locate finds no peers and answers at once: ask until it claims.
        TestProbe<HandoffProtocol.Located> probe = kit.createTestProbe();
        // Bounded by time, not by tries: a hundred tries answered at once took 70 ms on a clean clone's CI.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            handoff.tell(new HandoffProtocol.Locate("probe-" + attempt, "token", probe.ref()));
            try {
                probe.expectMessageClass(HandoffProtocol.Located.class, Duration.ofMillis(300));
                continue; // answered at once: no peers yet
            } catch (AssertionError claiming) {
                // it waits for its peers' answers
            }
            HandoffProtocol.Claim claim = a.expectMessageClass(HandoffProtocol.Claim.class);
            b.expectMessageClass(HandoffProtocol.Claim.class);
            claim.claimant().tell(new HandoffProtocol.NotHere(claim.sessionId()));
            claim.claimant().tell(new HandoffProtocol.NotHere(claim.sessionId()));
            probe.expectMessageClass(HandoffProtocol.Located.class);
            return handoff;
        }
        throw new AssertionError("the handoff never saw its peers");
    }
}
