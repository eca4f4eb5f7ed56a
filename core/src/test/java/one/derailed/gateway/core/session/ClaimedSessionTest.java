package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A session claimed by the node its client resumes on, in the races of a graceful leave (GuildMoveIT): the leaving
 * node moves its sessions off while their clients already resume elsewhere. The claimant must always hear how its
 * claim is going; left without an answer it waited out its locate timeout and told its client op 9.
 */
class ClaimedSessionTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final UserRecord ADA = new UserRecord(7, "ada", "0001", null, 0, false, false, false, null, null);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private final TestProbe<ReadyProtocol.Command> ready = KIT.createTestProbe();
    private final TestProbe<RelayProtocol.Command> relay = KIT.createTestProbe();
    private final TestProbe<HandoffProtocol.Command> claimant = KIT.createTestProbe();
    private final SessionDirectory directory = new SessionDirectory();
    private final SessionDirectory.SessionIdentity identity = directory.newIdentity();
    private final GatewaySettings settings = GatewaySettings.from(ActorTests.config());
    private final SessionServices services = new SessionServices(directory, ready.ref(), null, relay.ref(),
            settings.sessions(), settings.limits(), "ws://127.0.0.1:0", true, new GatewayMetrics());

    /** The claim's token check is still running when the evacuation's move starts: the claimant hears "busy". */
    @Test
    void aClaimWhoseTokenCheckEndsAfterTheSessionBeganToMoveIsToldBusy() {
        TestProbe<HandoffProtocol.Command> evacuationTarget = KIT.createTestProbe();
        ActorRef<SessionProtocol.Command> session = detachedSession(true);

        // The client resumed on the claimant's node: the session checks its token...
        session.tell(new MoveProtocol.MoveTo(claimant.ref(), "ada's token"));
        ReadyProtocol.Authenticate check = ready.expectMessageClass(ReadyProtocol.Authenticate.class);
        // ...and meanwhile its own node, leaving, moves it to another one.
        session.tell(new MoveProtocol.MoveTo(evacuationTarget.ref(), null));
        MoveProtocol.Adopt adopt = evacuationTarget.expectMessageClass(MoveProtocol.Adopt.class);
        assertThat(adopt.snapshot().sessionId()).isEqualTo(identity.sessionId());

        check.replyTo().tell(new ReadyProtocol.Authenticated(ADA.id()));
        MoveProtocol.Refused refused = claimant.expectMessageClass(MoveProtocol.Refused.class);
        assertThat(refused.sessionId()).isEqualTo(identity.sessionId());
        assertThat(refused.busy()).as("busy: claim again, it is on its way elsewhere").isTrue();

        // The move completes: the session ends here without leaving its user (its new incarnation took over).
        TestProbe<SessionProtocol.Command> adopted = KIT.createTestProbe();
        session.tell(new MoveProtocol.AdoptedBy(adopted.ref()));
        session.tell(new Delivery.Drained(ADA.id())); // the user drains the old node
        adopted.expectMessageClass(MoveProtocol.Handed.class);
        relay.expectMessageClass(RelayProtocol.Forget.class);
        assertThat(directory.bySessionId(identity.sessionId())).isNull();
    }

    /**
     * A session that takes a claim while it is not settled yet (just moved off a leaving node, its guilds and user
     * still switching over) says it is coming, so that the claimant waits for it longer than its locate timeout.
     */
    @Test
    void aClaimedSessionThatIsStillSettlingTellsTheClaimantItIsComing() {
        ActorRef<SessionProtocol.Command> session = detachedSession(false);
        session.tell(new MoveProtocol.MoveTo(claimant.ref(), "ada's token"));
        ready.expectMessageClass(ReadyProtocol.Authenticate.class).replyTo()
                .tell(new ReadyProtocol.Authenticated(ADA.id()));
        assertThat(claimant.expectMessageClass(MoveProtocol.Coming.class).sessionId())
                .isEqualTo(identity.sessionId());

        // Its user takes the attach: the session is settled, and moves to the claimant.
        session.tell(new Delivery.UserAttached(1));
        assertThat(claimant.expectMessageClass(MoveProtocol.Adopt.class).snapshot().sessionId())
                .isEqualTo(identity.sessionId());
        session.tell(new MoveProtocol.AdoptedBy(KIT.<SessionProtocol.Command>createTestProbe().ref()));
        session.tell(new Delivery.Drained(ADA.id())); // the user drains the old node
        relay.expectMessageClass(RelayProtocol.Forget.class);
    }

    /**
     * A claim that reaches the node a session has just left (moved off it as the node leaves, ended there) finds no
     * session, and the node it moved to may not know it yet either: the claim got there before the session's Adopt.
     * Both said "not here", and the client, told op 9, lost a session that had just landed. The node it left says
     * busy, so the claimant claims again and finds it where it went.
     */
    @Test
    void aClaimForASessionThatHasJustMovedAwayIsToldBusy() {
        ActorRef<HandoffProtocol.Command> handoff = KIT.spawn(SessionHandoff.create(services, Duration.ofSeconds(3)));
        moveAway();

        handoff.tell(new HandoffProtocol.Claim(identity.sessionId(), "ada's token", claimant.ref()));
        MoveProtocol.Refused refused = claimant.expectMessageClass(MoveProtocol.Refused.class);
        assertThat(refused.sessionId()).isEqualTo(identity.sessionId());
        assertThat(refused.busy()).as("busy: claim again, it has moved elsewhere").isTrue();

        // A session that never lived here is still plainly not here.
        handoff.tell(new HandoffProtocol.Claim("never-here", "token", claimant.ref()));
        assertThat(claimant.expectMessageClass(HandoffProtocol.NotHere.class).sessionId()).isEqualTo("never-here");
    }

    /**
     * A session that moved off this node and then back to it, and ended here, is not moving: a claim for it is told
     * at once that it is not here. Remembered as moved away, the claimant waited its locate timeout before op 9.
     */
    @Test
    void aSessionThatMovedBackAndEndedHereIsNotHere() {
        ActorRef<HandoffProtocol.Command> handoff = KIT.spawn(SessionHandoff.create(services, Duration.ofSeconds(3)));
        moveAway();
        // It moves back here (listed as soon as it is spawned, with a new number), and then ends here.
        SessionDirectory.SessionIdentity back = directory.adoptedIdentity(identity.sessionId());
        directory.listMovedIn(back.sessionId(), KIT.<SessionProtocol.Command>createTestProbe().ref());
        directory.add(back, KIT.<SessionProtocol.Command>createTestProbe().ref());
        directory.remove(back);

        handoff.tell(new HandoffProtocol.Claim(identity.sessionId(), "ada's token", claimant.ref()));
        assertThat(claimant.expectMessageClass(HandoffProtocol.NotHere.class).sessionId())
                .isEqualTo(identity.sessionId());
    }

    /** The session, detached, moves off this node (a graceful leave) and its old incarnation ends here. */
    private void moveAway() {
        TestProbe<HandoffProtocol.Command> evacuationTarget = KIT.createTestProbe();
        ActorRef<SessionProtocol.Command> session = detachedSession(true);
        session.tell(new MoveProtocol.MoveTo(evacuationTarget.ref(), null));
        evacuationTarget.expectMessageClass(MoveProtocol.Adopt.class);
        session.tell(new MoveProtocol.AdoptedBy(KIT.<SessionProtocol.Command>createTestProbe().ref()));
        session.tell(new Delivery.Drained(ADA.id())); // the user drains the old node: the session ends here
        relay.expectMessageClass(RelayProtocol.Forget.class);
        assertThat(directory.bySessionId(identity.sessionId())).isNull();
    }

    /** A session whose socket is away, of a user whose entity has ({@code attached}) or has not yet taken it. */
    private ActorRef<SessionProtocol.Command> detachedSession(boolean attached) {
        return KIT.spawn(Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            SessionState state = new SessionState(context, timers, services, identity);
            state.userId = ADA.id();
            state.presence = new Presence("online", "[]", Presence.Platform.desktop);
            state.userIncarnation = 1;
            state.userAttached = attached;
            return new Detached(state, Duration.ofMinutes(2));
        })));
    }
}
