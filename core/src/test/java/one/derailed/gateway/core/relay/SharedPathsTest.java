package one.derailed.gateway.core.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import one.derailed.gateway.core.ActorTests;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The relay's one copy of what the remote entities it watches have in common (their node, their shard's path). */
class SharedPathsTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.provider = cluster\npekko.remote.artery.canonical.port = 0\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1").withFallback(ActorTests.config()));
    private static final String CORE = "pekko://derailed@127.0.0.1:25999/system/sharding/User/";
    private final ActorRefProvider provider = ((ExtendedActorSystem) Adapter.toClassic(KIT.system())).provider();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** As a message brings it: a ref with its own copy of its node's address and of every path element. */
    private ActorRef<?> read(String path) {
        return Adapter.toTyped(provider.resolveActorRef(path));
    }

    @Test
    void remoteEntitiesOfOneShardShareTheirParentsAndStayTheSameActors() {
        ActorRef<?> ada = read(CORE + "12/1001#42");
        ActorRef<?> bob = read(CORE + "12/1002#43");
        ActorRef<?> cleo = read(CORE + "13/1003#44");
        assertThat(ada.path().parent()).as("read off messages, nothing is shared").isNotSameAs(bob.path().parent());

        SharedPaths shared = new SharedPaths(KIT.system());
        ActorRef<?> keptAda = shared.share(ada);
        ActorRef<?> keptBob = shared.share(bob);
        ActorRef<?> keptCleo = shared.share(cleo);

        assertThat(keptAda).isEqualTo(ada).isEqualTo(read(CORE + "12/1001#42"));
        assertThat(keptAda.path().uid()).isEqualTo(42);
        assertThat(keptAda.path().toString()).isEqualTo(ada.path().toString());
        assertThat(keptAda).as("another incarnation is another actor").isNotEqualTo(read(CORE + "12/1001#99"));
        assertThat(keptAda.path().parent()).isSameAs(keptBob.path().parent());
        assertThat(keptCleo.path().parent()).isNotSameAs(keptAda.path().parent());
        assertThat(keptCleo.path().parent().parent()).isSameAs(keptAda.path().parent().parent());
        assertThat(keptCleo.path().address()).isSameAs(keptAda.path().address());
        // /, system, sharding, User, 12, 13
        assertThat(shared.size()).isEqualTo(6);
    }

    @Test
    void aLocalRefIsKeptAsItIs() {
        ActorRef<Object> local = KIT.createTestProbe().ref();
        assertThat(new SharedPaths(KIT.system()).share(local)).isSameAs(local);
    }
}
