package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM of a running gateway process: every client gets op 7 RECONNECT, then a resumable close (4000), and the
 * process exits. A leaving node tells its clients op 7 before anything it tears down can reach them: before op 7 a
 * client may only get what it would have got anyway (the GUILD_CREATE of each of its guilds after READY, others
 * coming online), never a GUILD_DELETE, an offline presence or a close; after op 7, nothing but the close. Both
 * moments are tried: SIGTERM right after READY (while the guilds are still loading) and after every GUILD_CREATE.
 */
class GracefulShutdownIT {
    private static final Duration START = Duration.ofMinutes(2);

    @Test
    void sigtermRightAfterReadyTellsClientsOp7BeforeAnythingElse() throws Exception {
        sigtermAndCheck(false);
    }

    @Test
    void sigtermAfterEveryGuildCreateTellsClientsOp7BeforeAnythingElse() throws Exception {
        sigtermAndCheck(true);
    }

    private void sigtermAndCheck(boolean afterGuildCreates) throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("run")) {
            gateway.awaitLine("Stop with Ctrl-C.", START);
            try (GatewayClient ada = GatewayClient.identified(gateway.webSocketPort, gateway.lineAfter("ada "));
                 GatewayClient linus = GatewayClient.identified(gateway.webSocketPort, gateway.lineAfter("linus "));
                 GatewayClient idle = GatewayClient.connect(gateway.webSocketPort)) {
                Watched watchedAda = new Watched("ada", ada);
                Watched watchedLinus = new Watched("linus", linus);
                idle.expectOp(10);
                if (afterGuildCreates) {
                    watchedAda.awaitEveryGuildCreate();
                    watchedLinus.awaitEveryGuildCreate();
                }

                gateway.signalTerminate();

                watchedAda.expectOp7First();
                watchedLinus.expectOp7First();
                idle.expectOp(7);
                assertThat(idle.awaitClose().code()).isEqualTo(4000);
                assertThat(gateway.awaitExit(Duration.ofSeconds(60))).as("the gateway exits after SIGTERM").isTrue();
            }
        }
    }

    /** One identified client: its READY's guilds, and what came after it. */
    private static final class Watched {
        private final String name;
        private final GatewayClient client;
        private final Set<String> guilds = new HashSet<>();
        private final Set<String> created = new HashSet<>();
        private final List<JsonNode> beforeOp7 = new ArrayList<>();

        Watched(String name, GatewayClient client) {
            this.name = name;
            this.client = client;
            client.expectDispatch("READY").at("/d/guilds").forEach(guild -> guilds.add(guild.path("id").asText()));
            assertThat(guilds).as(name + "'s READY lists guilds").isNotEmpty();
        }

        void awaitEveryGuildCreate() {
            while (!created.containsAll(guilds)) {
                take(client.next());
            }
        }

        /** The frames up to op 7 are all legitimate; op 7 comes; then the resumable close, with nothing between. */
        void expectOp7First() {
            for (JsonNode frame = client.next(); frame.path("op").asInt() != 7; frame = client.next()) {
                take(frame);
            }
            System.out.println(name + " got " + beforeOp7.stream().map(f -> f.path("t").asText()).toList()
                    + " between READY and op 7");
            assertThat(client.awaitClose().code()).as(name + "'s close after op 7").isEqualTo(4000);
            assertThat(client.drainReceived()).as(name + ": nothing between op 7 and the close").isEmpty();
        }

        private void take(JsonNode frame) {
            beforeOp7.add(frame);
            String type = frame.path("t").asText();
            boolean legitimate = frame.path("op").asInt() == 0 && switch (type) {
                case "GUILD_CREATE" -> guilds.contains(frame.at("/d/id").asText())
                        && created.add(frame.at("/d/id").asText());
                // another client coming online, with whatever status it keeps (the demo's linus is idle)
                case "PRESENCE_UPDATE" -> !"offline".equals(frame.at("/d/status").asText("offline"));
                default -> false;
            };
            assertThat(legitimate).as(name + " got, before op 7, " + frame + "; all before op 7: " + beforeOp7)
                    .isTrue();
        }
    }
}
