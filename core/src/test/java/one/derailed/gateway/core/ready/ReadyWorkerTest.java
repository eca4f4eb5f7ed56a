package one.derailed.gateway.core.ready;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.core.ActorTests;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.metrics.GatewayMetrics;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestData;
import one.derailed.gateway.store.testing.TestDatabases;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Ready desk on a real H2 store, its reads run one at a time by the test: a full queue is answered at once, an ask
 * whose asker stopped waiting is never read, RESUME checks go first, and a bad token has one reason whatever it was.
 */
class ReadyWorkerTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ActorTests.config());
    private static final Database DATABASE = TestDatabases.h2();
    private static final TestData DATA = TestData.of(DATABASE);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
        DATABASE.close();
    }

    /** Holds the desk's reads until the test runs them, one by one, on its own thread. */
    private static final class HeldReads implements Executor {
        private final LinkedBlockingQueue<Runnable> waiting = new LinkedBlockingQueue<>();
        private int ran;

        @Override
        public void execute(Runnable read) {
            waiting.add(read);
        }

        void runNext() throws InterruptedException {
            Runnable read = waiting.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(read).as("a read was handed to the store threads").isNotNull();
            read.run();
            ran++;
        }
    }

    private final HeldReads reads = new HeldReads();
    private final GatewayMetrics metrics = new GatewayMetrics();

    private ActorRef<ReadyProtocol.Command> desk(int workers, int capacity) {
        return KIT.spawn(ReadyWorker.create(DATABASE.store(), reads, new GatewaySettings.Ready(workers, capacity),
                metrics));
    }

    private static long later() {
        return ReadyProtocol.deadlineIn(Duration.ofMinutes(1));
    }

    private static String token() {
        long user = DATA.createUser("reader");
        return DATA.tokenFor(user);
    }

    @Test
    void aFullQueueIsAnsweredBusyAtOnceAndTheRestAreServed() throws Exception {
        ActorRef<ReadyProtocol.Command> desk = desk(1, 2);
        List<TestProbe<ReadyProtocol.Result>> askers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestProbe<ReadyProtocol.Result> asker = KIT.createTestProbe();
            desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, later(), asker.getRef()));
            askers.add(asker);
        }
        // One read running, two waiting: the fourth is refused without waiting for any of them.
        assertThat(askers.get(3).expectMessageClass(ReadyProtocol.Unavailable.class).reason())
                .isEqualTo(ReadyProtocol.Unavailable.BUSY);
        for (int i = 0; i < 3; i++) {
            reads.runNext();
            assertThat(askers.get(i).expectMessageClass(ReadyProtocol.Loaded.class).user().username())
                    .isEqualTo("reader");
        }
        assertThat(metrics.scrape()).contains("derailed_ready_refused_total 1.0");
    }

    @Test
    void anAskWhoseAskerStoppedWaitingIsNeverRead() throws Exception {
        ActorRef<ReadyProtocol.Command> desk = desk(1, 10);
        TestProbe<ReadyProtocol.Result> first = KIT.createTestProbe();
        TestProbe<ReadyProtocol.Result> late = KIT.createTestProbe();
        TestProbe<ReadyProtocol.Result> last = KIT.createTestProbe();
        desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, later(), first.getRef()));
        desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, System.currentTimeMillis() - 1, late.getRef()));
        desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, later(), last.getRef()));

        reads.runNext();
        first.expectMessageClass(ReadyProtocol.Loaded.class);
        reads.runNext();
        last.expectMessageClass(ReadyProtocol.Loaded.class);
        late.expectNoMessage(Duration.ofMillis(200));
        assertThat(reads.ran).isEqualTo(2);
        assertThat(reads.waiting).isEmpty();
        assertThat(metrics.scrape()).contains("derailed_ready_expired_total 1.0");
    }

    @Test
    void resumeTokenChecksAreServedBeforeWaitingLoads() throws Exception {
        ActorRef<ReadyProtocol.Command> desk = desk(1, 10);
        TestProbe<ReadyProtocol.Result> answers = KIT.createTestProbe();
        desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, later(), answers.getRef()));
        desk.tell(new ReadyProtocol.Load(token(), 0, 1, 1000, later(), answers.getRef()));
        desk.tell(new ReadyProtocol.Authenticate(token(), later(), answers.getRef()));

        reads.runNext();
        answers.expectMessageClass(ReadyProtocol.Loaded.class);
        reads.runNext();
        answers.expectMessageClass(ReadyProtocol.Authenticated.class);
        reads.runNext();
        answers.expectMessageClass(ReadyProtocol.Loaded.class);
    }

    @Test
    void everyRejectedTokenHasTheSameReason() throws Exception {
        ActorRef<ReadyProtocol.Command> desk = desk(4, 10);
        long suspended = DATA.createUser("suspended");
        String suspendedToken = DATA.tokenFor(suspended);
        DATA.suspend(suspended);
        long changed = DATA.createUser("changed");
        String oldToken = DATA.tokenFor(changed);
        DATA.changePassword(changed);
        String unknown = one.derailed.gateway.store.Tokens.sign(123_456_789, "whatever", 1_700_000_000);
        String valid = token();
        String forged = valid.substring(0, valid.length() - 3) + "abc";
        for (String bad : List.of(suspendedToken, oldToken, unknown, forged, "not a token")) {
            TestProbe<ReadyProtocol.Result> load = KIT.createTestProbe();
            TestProbe<ReadyProtocol.Result> check = KIT.createTestProbe();
            desk.tell(new ReadyProtocol.Load(bad, 0, 1, 1000, later(), load.getRef()));
            desk.tell(new ReadyProtocol.Authenticate(bad, later(), check.getRef()));
            reads.runNext();
            reads.runNext();
            assertThat(load.expectMessageClass(ReadyProtocol.Rejected.class).reason()).isEqualTo("authentication failed");
            assertThat(check.expectMessageClass(ReadyProtocol.Rejected.class).reason())
                    .isEqualTo("authentication failed");
        }
    }

    @Test
    void aWholeMemberListIsCountedThenReadAPageAtATime() throws Exception {
        ActorRef<ReadyProtocol.Command> desk = desk(1, 10);
        long owner = DATA.createUser("owner");
        long guild = DATA.createGuild("big", owner);
        for (int i = 0; i < 5; i++) {
            DATA.addMember(guild, DATA.createUser("member" + i));
        }
        TestProbe<ReadyProtocol.Result> asker = KIT.createTestProbe();
        desk.tell(new ReadyProtocol.FindMembers(guild, "", null, 0, 0, 3, later(), asker.getRef()));
        reads.runNext();
        ReadyProtocol.MembersFound first = asker.expectMessageClass(ReadyProtocol.MembersFound.class);
        assertThat(first.total()).as("the first page counts them").isEqualTo(5);
        assertThat(first.members()).hasSize(3);
        assertThat(first.more()).isTrue();
        desk.tell(new ReadyProtocol.FindMembers(guild, "", null, 0, first.members().get(2).userId(), 3, later(),
                asker.getRef()));
        reads.runNext();
        ReadyProtocol.MembersFound second = asker.expectMessageClass(ReadyProtocol.MembersFound.class);
        assertThat(second.members()).hasSize(2);
        assertThat(second.more()).isFalse();
    }
}
