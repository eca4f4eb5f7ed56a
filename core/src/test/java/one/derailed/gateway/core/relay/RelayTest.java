package one.derailed.gateway.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.core.session.Delivery;
import one.derailed.gateway.core.session.SessionProtocol;
import one.derailed.gateway.core.session.SessionDirectory;
import one.derailed.gateway.core.session.SessionDirectoryAccess;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RelayTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final int LANES = 4;
    private static final long GUILD = 42;

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /**
     * A guild's big deliveries go through the lanes; its small ones, unsubscribes and subscribes go sometimes through
     * a lane and sometimes straight from the relay (when that lane is idle). Whichever way, each session sees them
     * in the order the relay got them.
     */
    @Test
    void eachSessionGetsItsMessagesInTheOrderTheRelayGotThem() {
        SessionDirectory directory = new SessionDirectory();
        int watched = 8;
        int others = 1000;
        List<TestProbe<SessionProtocol.Command>> probes = new ArrayList<>();
        for (int n = 1; n <= watched; n++) {
            TestProbe<SessionProtocol.Command> probe = KIT.createTestProbe();
            probes.add(probe);
            SessionDirectoryAccess.register(directory, n, probe.ref());
        }
        ActorRef<SessionProtocol.Command> sink = KIT.spawn(Behaviors.ignore());
        for (long n = watched + 1; n <= watched + others; n++) {
            SessionDirectoryAccess.register(directory, n, sink);
        }
        ActorRef<RelayProtocol.Command> relay = KIT.spawn(Relay.create(directory, new GatewayMetrics(),
                new GatewaySettings.RelayLanes(LANES, 2)));
        long[] everyone = LongStream.rangeClosed(1, watched + others).toArray();
        long[] watchedOnly = LongStream.rangeClosed(1, watched).toArray();
        ActorRef<GuildProtocol.Command> guild = KIT.<GuildProtocol.Command>createTestProbe().ref();

        int rounds = 50;
        for (int round = 0; round < rounds; round++) {
            relay.tell(new RelayProtocol.Deliver(everyone, "BIG", bytes(round)));
            for (int n = 1; n <= watched; n++) {
                relay.tell(new RelayProtocol.Unsubscribed(new long[] {n}, GUILD, true));
                relay.tell(new RelayProtocol.Deliver(new long[] {n}, "SMALL", bytes(round)));
                relay.tell(new RelayProtocol.Subscribed(n, GUILD, 1, bytes(round), false, guild));
                relay.tell(new RelayProtocol.Drained(n, round));
            }
            relay.tell(new RelayProtocol.Join(watchedOnly, GUILD, bytes(round)));
        }

        for (TestProbe<SessionProtocol.Command> probe : probes) {
            for (int round = 0; round < rounds; round++) {
                String expected = Integer.toString(round);
                assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class, d -> {
                    assertThat(d.event()).isEqualTo("BIG");
                    assertThat(text(d.data())).isEqualTo(expected);
                });
                assertThat(probe.receiveMessage()).isInstanceOf(Delivery.GuildGone.class);
                assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class, d -> {
                    assertThat(d.event()).isEqualTo("SMALL");
                    assertThat(text(d.data())).isEqualTo(expected);
                });
                assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.GuildAvailable.class,
                        a -> assertThat(text(a.guildCreate())).isEqualTo(expected));
                assertThat(probe.receiveMessage()).isEqualTo(new Delivery.Drained(round));
                assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.JoinGuild.class,
                        j -> assertThat(text(j.member())).isEqualTo(expected));
            }
        }
        probes.getLast().expectNoMessage(Duration.ofMillis(200));
    }

    /**
     * A guild incarnation that stops while serving sessions here (its node crashed, or it moved) makes exactly the
     * sessions it served, and still serves, renew; a session that ended or left the guild is not told.
     */
    @Test
    void sessionsOfAStoppedGuildOrUserRenewTheirSubscription() {
        SessionDirectory directory = new SessionDirectory();
        List<TestProbe<SessionProtocol.Command>> sessions = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            TestProbe<SessionProtocol.Command> probe = KIT.createTestProbe();
            sessions.add(probe);
            SessionDirectoryAccess.register(directory, n, probe.ref());
        }
        ActorRef<RelayProtocol.Command> relay = KIT.spawn(Relay.create(directory, new GatewayMetrics(),
                new GatewaySettings.RelayLanes(LANES, 64)));
        TestProbe<GuildProtocol.Command> guild = KIT.createTestProbe();
        TestProbe<UserProtocol.Command> user = KIT.createTestProbe();
        for (int n = 1; n <= 4; n++) {
            relay.tell(new RelayProtocol.Subscribed(n, GUILD, 5, null, false, guild.ref()));
        }
        for (TestProbe<SessionProtocol.Command> session : sessions) {
            assertThat(session.receiveMessage()).isEqualTo(new Delivery.GuildAvailable(GUILD, 5, null, false));
        }
        relay.tell(new RelayProtocol.Attached(1, 7, 9, user.ref()));
        assertThat(sessions.get(0).receiveMessage()).isEqualTo(new Delivery.UserAttached(9));
        relay.tell(new RelayProtocol.Forget(2, new long[] {GUILD}, 7));
        relay.tell(new RelayProtocol.Unsubscribed(new long[] {3}, GUILD, false));
        assertThat(sessions.get(2).receiveMessage()).isInstanceOf(Delivery.GuildGone.class);

        guild.stop();
        user.stop();
        assertThat(List.of(sessions.get(0).receiveMessage(), sessions.get(0).receiveMessage())).containsExactlyInAnyOrder(
                new Delivery.Resubscribe(GUILD, 5), new Delivery.Reattach(9));
        assertThat(sessions.get(3).receiveMessage()).isEqualTo(new Delivery.Resubscribe(GUILD, 5));
        sessions.get(1).expectNoMessage(Duration.ofMillis(200));
        sessions.get(2).expectNoMessage(Duration.ofMillis(10));
    }

    @Test
    void everySessionOfABigDeliveryGetsItOnce() {
        SessionDirectory directory = new SessionDirectory();
        List<TestProbe<SessionProtocol.Command>> probes = new ArrayList<>();
        long[] numbers = new long[200];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = 1_000 + 2L * i; // every other number, as one node of two has them
            TestProbe<SessionProtocol.Command> probe = KIT.createTestProbe();
            probes.add(probe);
            SessionDirectoryAccess.register(directory, numbers[i], probe.ref());
        }
        ActorRef<RelayProtocol.Command> relay = KIT.spawn(Relay.create(directory, new GatewayMetrics(),
                new GatewaySettings.RelayLanes(LANES, 64)));
        relay.tell(new RelayProtocol.Deliver(numbers, "MESSAGE_CREATE", bytes(1)));
        relay.tell(new RelayProtocol.Deliver(numbers, "MESSAGE_UPDATE", bytes(2)));
        for (TestProbe<SessionProtocol.Command> probe : probes) {
            assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                    d -> assertThat(d.event()).isEqualTo("MESSAGE_CREATE"));
            assertThat(probe.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                    d -> assertThat(d.event()).isEqualTo("MESSAGE_UPDATE"));
        }
        probes.getLast().expectNoMessage(Duration.ofMillis(200));
    }

    /**
     * A message the relay cannot handle (a malformed one, as a faulty peer might send) does not stop it: it would take
     * every session of the node with it, their guilds dropping them all while their sockets stay up. The sessions it
     * names end, since they may now miss something; the others go on.
     */
    @Test
    void aMessageTheRelayCannotHandleEndsOnlyTheSessionsItNames() {
        SessionDirectory directory = new SessionDirectory();
        TestProbe<SessionProtocol.Command> named = KIT.createTestProbe();
        TestProbe<SessionProtocol.Command> bystander = KIT.createTestProbe();
        SessionDirectoryAccess.register(directory, 1, named.ref());
        SessionDirectoryAccess.register(directory, 2, bystander.ref());
        ActorRef<RelayProtocol.Command> relay = KIT.spawn(Relay.create(directory, new GatewayMetrics(),
                new GatewaySettings.RelayLanes(LANES, 64)));

        relay.tell(new RelayProtocol.Subscribed(1, GUILD, 5, bytes(0), false, null));
        assertThat(named.receiveMessage()).isInstanceOf(Delivery.Lost.class);
        relay.tell(new RelayProtocol.Deliver(new long[] {2}, "MESSAGE_CREATE", bytes(1)));
        assertThat(bystander.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                d -> assertThat(text(d.data())).isEqualTo("1"));
        relay.tell(new RelayProtocol.Deliver(null, "MESSAGE_CREATE", bytes(2)));
        relay.tell(new RelayProtocol.Deliver(new long[] {1, 2}, "MESSAGE_CREATE", bytes(3)));
        assertThat(bystander.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                d -> assertThat(text(d.data())).isEqualTo("3"));
    }

    /**
     * Artery drops a message when its outbound queue to a node is full. Entities number what they send each relay;
     * a skipped number tells the relay something was lost, and since what it was (and for whom) is lost with it,
     * every local session hears of the gap, behind what came before, and resyncs what it had from that source.
     */
    @Test
    void aNumberSkippedOnALinkTellsEverySessionHereOfTheGap() {
        SessionDirectory directory = new SessionDirectory();
        TestProbe<SessionProtocol.Command> subscribed = KIT.createTestProbe();
        TestProbe<SessionProtocol.Command> other = KIT.createTestProbe();
        SessionDirectoryAccess.register(directory, 1, subscribed.ref());
        SessionDirectoryAccess.register(directory, 2, other.ref());
        ActorRef<RelayProtocol.Command> relay = KIT.spawn(Relay.create(directory, new GatewayMetrics(),
                new GatewaySettings.RelayLanes(LANES, 64)));
        ActorRef<GuildProtocol.Command> guild = KIT.<GuildProtocol.Command>createTestProbe().ref();

        relay.tell(new RelayProtocol.Sequenced(guild, true, GUILD, 1,
                new RelayProtocol.Subscribed(1, GUILD, 5, bytes(0), false, guild)));
        relay.tell(new RelayProtocol.Sequenced(guild, true, GUILD, 2,
                new RelayProtocol.Deliver(new long[] {1}, "MESSAGE_CREATE", bytes(1))));
        // number 3 was lost on the way
        relay.tell(new RelayProtocol.Sequenced(guild, true, GUILD, 4,
                new RelayProtocol.Deliver(new long[] {1}, "MESSAGE_CREATE", bytes(4))));

        assertThat(subscribed.receiveMessage()).isInstanceOf(Delivery.GuildAvailable.class);
        assertThat(subscribed.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                d -> assertThat(text(d.data())).isEqualTo("1"));
        assertThat(subscribed.receiveMessage()).isEqualTo(new Delivery.SourceGap(true, GUILD));
        assertThat(subscribed.receiveMessage()).isInstanceOfSatisfying(Delivery.Dispatch.class,
                d -> assertThat(text(d.data())).isEqualTo("4"));
        assertThat(other.receiveMessage()).isEqualTo(new Delivery.SourceGap(true, GUILD));

        // a source whose very first message was lost is caught too: its first number here is not 1
        ActorRef<GuildProtocol.Command> another = KIT.<GuildProtocol.Command>createTestProbe().ref();
        relay.tell(new RelayProtocol.Sequenced(another, true, 43, 2,
                new RelayProtocol.Deliver(new long[] {2}, "MESSAGE_CREATE", bytes(5))));
        assertThat(other.receiveMessage()).isEqualTo(new Delivery.SourceGap(true, 43));
    }

    @Test
    void everyStrideOfNumbersSpreadsOverAllLanes() {
        for (int stride = 1; stride <= 4; stride++) {
            int[] perLane = new int[LANES];
            for (long n = 1; n <= 10_000; n += stride) {
                int lane = Relay.laneOf(n, LANES);
                assertThat(lane).isBetween(0, LANES - 1);
                perLane[lane]++;
            }
            int expected = 10_000 / stride / LANES;
            for (int count : perLane) {
                assertThat(count).isBetween(expected * 8 / 10, expected * 12 / 10);
            }
        }
    }

    private static byte[] bytes(int round) {
        return Integer.toString(round).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
