package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A live session's subscriptions and the timer each starts (resend if the guild does not answer), on a one-node
 * cluster whose guild entities hand what they get to the test (its users' take and answer nothing). A timer left running after the guild answered fired
 * for nothing 20 s later in every session, and the first timer an actor receives makes Pekko keep a logging context
 * for it (~120 B a session, for its life: a fifth of the idle session's heap target).
 */
class SubscriptionAnswerTest {
    private static final ActorTestKit KIT = ActorTests.oneNodeClusterKit();
    private static final TestProbe<GuildProtocol.Command> GUILDS = KIT.createTestProbe();

    @BeforeAll
    static void start() {
        ClusterSharding.get(KIT.system()).init(Entity.of(GuildProtocol.TYPE_KEY, entity ->
                Behaviors.receiveMessage(command -> {
                    GUILDS.ref().tell(command);
                    return Behaviors.same();
                })));
        ClusterSharding.get(KIT.system()).init(Entity.of(UserProtocol.TYPE_KEY, entity -> Behaviors.ignore()));
    }

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aSubscriptionTheGuildAnsweredLeavesNoTimerBehindButAnUnansweredOneKeepsIt() {
        long taken = 101;
        long down = 102;
        long gone = 103;
        long unanswered = 104;
        SessionDirectory directory = new SessionDirectory();
        GatewaySettings settings = GatewaySettings.from(ActorTests.config());
        SessionServices services = new SessionServices(directory, KIT.<ReadyProtocol.Command>createTestProbe().ref(),
                ClusterSharding.get(KIT.system()), KIT.<RelayProtocol.Command>createTestProbe().ref(),
                settings.sessions(), settings.limits(), "ws://127.0.0.1:0", true, new GatewayMetrics());
        RecordingConnection socket = new RecordingConnection();
        AtomicReference<TimerScheduler<SessionProtocol.Command>> timers = new AtomicReference<>();
        ActorRef<SessionProtocol.Command> session = KIT.spawn(Behaviors.withTimers(t -> Behaviors.setup(context -> {
            timers.set(t);
            SessionState state = new SessionState(context, t, services, directory.newIdentity(), socket);
            state.userId = 7;
            state.presence = new Presence("online", "[]", Presence.Platform.desktop);
            state.live = true;
            for (long guildId : new long[] {taken, down, gone, unanswered}) {
                state.subscribe(guildId, "{}".getBytes(StandardCharsets.UTF_8), null, 0);
            }
            return new Live(state);
        })));
        for (int i = 0; i < 4; i++) {
            GUILDS.expectMessageClass(GuildProtocol.Subscribe.class, Duration.ofSeconds(10));
        }

        session.tell(new Delivery.GuildAvailable(taken, 1, "{\"id\":\"101\"}".getBytes(StandardCharsets.UTF_8),
                false));
        session.tell(new Delivery.GuildDown(down, false));
        session.tell(new Delivery.GuildGone(gone, true));
        // its reply comes after the session has taken the three answers before it
        TestProbe<SessionDescription> described = KIT.createTestProbe();
        session.tell(new SessionProtocol.Describe(described.ref()));
        assertThat(described.receiveMessage().guildCount()).isEqualTo(3);

        assertThat(socket.sent).as("the GUILD_CREATE of the guild that took it").hasSize(1);
        assertThat(timers.get().isTimerActive("unanswered-" + unanswered)).isTrue();
        for (long answered : new long[] {taken, down, gone}) {
            assertThat(timers.get().isTimerActive("unanswered-" + answered)).as("guild %d answered", answered)
                    .isFalse();
        }
    }
}
