package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.LogLines;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.ServerFrames;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session's new incarnation, arriving on this node (a one-node cluster, whose user entities take what they are
 * sent and answer nothing), whose move never completes: Cluster Sharding drops what is in flight to a shard that
 * is being handed off, so on a graceful leave a Move can be lost and its drain marker never come (GuildMoveIT).
 */
class ArrivingSessionTest {
    private static final ActorTestKit KIT = ActorTests.oneNodeClusterKit();
    private static final UserRecord ADA = new UserRecord(7, "ada", "0001", null, 0, false, false, false, null, null);
    /** Whose user entity drops the first Move it gets, and tells {@link #MOVED_AGAIN} of the next. */
    private static final UserRecord BOB = new UserRecord(8, "bob", "0002", null, 0, false, false, false, null, null);
    private static final TestProbe<UserProtocol.Move> MOVED_AGAIN = KIT.createTestProbe();

    @BeforeAll
    static void start() {
        ClusterSharding.get(KIT.system()).init(Entity.of(UserProtocol.TYPE_KEY, entity ->
                entity.getEntityId().equals(Long.toString(BOB.id())) ? dropsTheFirstMove(0) : Behaviors.ignore()));
    }

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /**
     * The client resumed while its session was still arriving; the session ends when its move times out, and the
     * client must hear op 9 (identify anew). Its socket got nothing and the client waited forever.
     */
    @Test
    void aResumeWaitingForASessionThatNeverArrivesGetsOp9() {
        SessionDirectory directory = new SessionDirectory();
        try (LogLines log = LogLines.capture()) {
            ActorRef<SessionProtocol.Command> session = arriving(directory, "arriving", ADA);

            RecordingConnection socket = new RecordingConnection();
            session.tell(new SessionProtocol.Resume(socket, new ClientPayload.Resume("token", "arriving", 5)));

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !socket.sent.isEmpty());
            assertThat(socket.sent).containsExactly(ServerFrames.invalidSession(false));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> directory.bySessionId("arriving") == null);
            assertThat(log.lines()).contains(Arriving.class.getName()
                    + " WARN session arriving: 1 sources never drained after the move; it ends");
        }
    }

    /**
     * The first Move was lost on the way (GuildMoveIT: a leave while the entity's shard was handed off); the arriving
     * session must send it again rather than wait for a marker that cannot come, and end with 4009 at the timeout.
     */
    @Test
    void aLostMoveIsSentAgainAndTheSessionArrives() {
        SessionDirectory directory = new SessionDirectory();
        ActorRef<SessionProtocol.Command> session = arriving(directory, "arriving-again", BOB);

        UserProtocol.Move again = MOVED_AGAIN.expectMessageClass(UserProtocol.Move.class, Duration.ofSeconds(5));
        assertThat(again.session()).isEqualTo(1);
        // the user drains the old node; the old incarnation passes the marker on, twice if the first Move came late
        session.tell(new MoveProtocol.Handed(new Delivery.Drained(BOB.id())));
        session.tell(new MoveProtocol.Handed(new Delivery.Drained(BOB.id())));
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> directory.bySessionId("arriving-again") != null);
    }

    /**
     * A client resumed on a third node while its session was still arriving here from a leaving one
     * (SessionHandoffTest's graceful leave): the claim's move waits for the session to settle. Once the last drain
     * marker has come the session is settled and must go; it waited for some other event that might never come,
     * and the claimant's client was told op 9 when its locate timed out.
     */
    @Test
    void aMoveClaimedWhileArrivingStartsOnceTheSessionHasArrived() {
        TestProbe<HandoffProtocol.Command> claimant = KIT.createTestProbe();
        ActorRef<SessionProtocol.Command> session = arriving(new SessionDirectory(), "claimed-while-arriving", ADA);

        session.tell(new MoveProtocol.MoveTo(claimant.ref(), null));
        claimant.expectNoMessage(Duration.ofMillis(200));
        // the user takes the new incarnation (its answer comes straight here) and drains the old node
        session.tell(new Delivery.UserAttached(2));
        session.tell(new MoveProtocol.Handed(new Delivery.Drained(ADA.id())));

        MoveProtocol.Adopt adopt = claimant.expectMessageClass(MoveProtocol.Adopt.class, Duration.ofSeconds(3));
        assertThat(adopt.snapshot().sessionId()).isEqualTo("claimed-while-arriving");
        assertThat(adopt.snapshot().userIncarnation()).isEqualTo(2);
    }

    /**
     * A client resumed on the very node its session was landing on from a leaving one (SessionHandoffTest's graceful
     * leave): the node's locate came after the adoption, asked its peers, found none that had the session (its old
     * node had let it go) and told the client op 9, while the session waited here for it.
     */
    @Test
    void aLocateThatComesAfterTheSessionWasAdoptedHereFindsIt() {
        SessionDirectory directory = new SessionDirectory();
        ActorRef<HandoffProtocol.Command> handoff = KIT.spawn(SessionHandoff.create(
                services(directory, KIT.createTestProbe()), Duration.ofSeconds(3)));
        TestProbe<SessionProtocol.Command> oldIncarnation = KIT.createTestProbe();
        TestProbe<HandoffProtocol.Located> located = KIT.createTestProbe();

        handoff.tell(new MoveProtocol.Adopt(snapshot("landed-here", ADA, oldIncarnation.ref())));
        handoff.tell(new HandoffProtocol.Locate("landed-here", "token", located.ref()));

        MoveProtocol.AdoptedBy adopted = oldIncarnation.expectMessageClass(MoveProtocol.AdoptedBy.class);
        assertThat(located.expectMessageClass(HandoffProtocol.Located.class, Duration.ofSeconds(5)).session())
                .isEqualTo(adopted.session());
    }

    /**
     * A session {@code user}'s old node moved here, in no guild, at sequence 5, whose old incarnation has heard that
     * it was adopted; its user entity is to drain the old node.
     */
    private static ActorRef<SessionProtocol.Command> arriving(SessionDirectory directory, String sessionId,
                                                              UserRecord user) {
        TestProbe<RelayProtocol.Command> relay = KIT.createTestProbe();
        TestProbe<SessionProtocol.Command> oldIncarnation = KIT.createTestProbe();
        ActorRef<SessionProtocol.Command> session = KIT.spawn(Session.adopt(services(directory, relay),
                directory.adoptedIdentity(sessionId), snapshot(sessionId, user, oldIncarnation.ref())));
        oldIncarnation.expectMessageClass(MoveProtocol.AdoptedBy.class);
        return session;
    }

    /** What {@code user}'s session carries from its old node: no guild, sequence 5. */
    private static MoveProtocol.Snapshot snapshot(String sessionId, UserRecord user,
                                                  ActorRef<SessionProtocol.Command> oldIncarnation) {
        TestProbe<RelayProtocol.Command> oldRelay = KIT.createTestProbe();
        return new MoveProtocol.Snapshot(sessionId, user.id(), 0, new Presence("online", "[]", Presence.Platform.desktop),
                50, 0, 1, List.of(), 1, 5, List.of(), 60_000, oldRelay.ref(), 1, oldIncarnation);
    }

    private static org.apache.pekko.actor.typed.Behavior<UserProtocol.Command> dropsTheFirstMove(int seen) {
        return Behaviors.receiveMessage(command -> {
            if (!(command instanceof UserProtocol.Move move)) {
                return Behaviors.same();
            }
            if (seen > 0) {
                MOVED_AGAIN.ref().tell(move);
            }
            return dropsTheFirstMove(seen + 1);
        });
    }

    /** The node's settings, with a move timeout of one second. */
    private static SessionServices services(SessionDirectory directory, TestProbe<RelayProtocol.Command> relay) {
        GatewaySettings settings = GatewaySettings.from(ActorTests.config());
        GatewaySettings.Sessions s = settings.sessions();
        GatewaySettings.Sessions quick = new GatewaySettings.Sessions(s.readyTimeout(), s.privilegedIntentsForBots(),
                s.resumeTimeout(), s.replayMaxEvents(), s.replayMaxBytes(), s.startLimits(),
                new GatewaySettings.Handoff(s.handoff().locateTimeout(), Duration.ofSeconds(1),
                        s.handoff().evacuateDeadline()), s.subscribeRetry(), s.subscribeUnansweredAfter(),
                s.onSocketLoop());
        TestProbe<ReadyProtocol.Command> ready = KIT.createTestProbe();
        return new SessionServices(directory, ready.ref(), ClusterSharding.get(KIT.system()), relay.ref(), quick,
                settings.limits(), "ws://127.0.0.1:0", true, new GatewayMetrics());
    }
}
