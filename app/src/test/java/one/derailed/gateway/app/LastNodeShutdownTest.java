package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The last node with the guilds and users roles leaves with guilds live, a user online and a session waiting for a
 * RESUME. Its sessions cannot move, so they end before the shards are handed off, and its entities do not pass
 * anything to a next incarnation no node can start. Either would wait in the shard regions for a home that never
 * comes, and hold every such leave for the regions' whole shutdown timeout ("Graceful shutdown of shard region timed
 * out", 10 s), a test node's shutdown included.
 */
class LastNodeShutdownTest {

    @Test
    void theLastNodeHandsItsShardsOffWithoutWaitingForAHomeThatNeverComes() throws Exception {
        Logger shardRegion = (Logger) LoggerFactory.getLogger("org.apache.pekko.cluster.sharding.ShardRegion");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        shardRegion.addAppender(warnings);
        try {
            TestGateway gw = TestGateway.start(TestDatabases.h2());
            try {
                long ada = gw.data.createUser("ada");
                long guild = gw.data.createGuild("g", ada);
                gw.data.addMember(guild, ada);
                GatewayClient client = gw.online(ada, 1);
                gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{}");
                client.expectDispatch("MESSAGE_CREATE");
                gw.ingress.publishToUser(ada, "USER_UPDATE", "{}");
                client.expectDispatch("USER_UPDATE");
                client.close(); // the session waits for a RESUME: it is still subscribed when the node leaves
            } finally {
                gw.close();
            }
            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(message -> message.contains("Graceful shutdown of shard region timed out"));
        } finally {
            shardRegion.detachAppender(warnings);
        }
    }
}
