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
 * A leaving node's session is claimed by the node its client resumes on while the leaving node moves it elsewhere
 * (GuildMoveIT's leave, where this lost about one moved session in two): the claim's token check is still running
 * when the evacuation's move starts. The claimant must then hear "busy", so that it claims again and finds the
 * session where it went; unanswered, it waited out its locate timeout and told its client op 9.
 */
class MoveClaimRaceTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final UserRecord ADA = new UserRecord(7, "ada", "0001", null, 0, false, false, false, null, null);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aClaimWhoseTokenCheckEndsAfterTheSessionBeganToMoveIsToldBusy() {
        TestProbe<ReadyProtocol.Command> ready = KIT.createTestProbe();
        TestProbe<RelayProtocol.Command> relay = KIT.createTestProbe();
        TestProbe<HandoffProtocol.Command> claimant = KIT.createTestProbe();
        TestProbe<HandoffProtocol.Command> evacuationTarget = KIT.createTestProbe();
        GatewaySettings settings = GatewaySettings.from(ActorTests.config());
        SessionDirectory directory = new SessionDirectory();
        SessionServices services = new SessionServices(directory, ready.ref(), null, relay.ref(),
                settings.sessions(), settings.limits(), "ws://127.0.0.1:0", true, new GatewayMetrics());
        SessionDirectory.SessionIdentity identity = directory.newIdentity();
        ActorRef<SessionProtocol.Command> session = KIT.spawn(Behaviors.setup(context -> Behaviors.withTimers(
                timers -> {
                    SessionState state = new SessionState(context, timers, services, identity);
                    state.user = ADA;
                    state.presence = new Presence("online", "[]", Presence.Platform.desktop);
                    state.userIncarnation = 1;
                    state.userAttached = true;
                    return new Detached(state, Duration.ofMinutes(2));
                })));

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
        session.tell(new Delivery.Drained(1));
        adopted.expectMessageClass(MoveProtocol.Handed.class);
        relay.expectMessageClass(RelayProtocol.Forget.class);
        assertThat(directory.bySessionId(identity.sessionId())).isNull();
    }
}
