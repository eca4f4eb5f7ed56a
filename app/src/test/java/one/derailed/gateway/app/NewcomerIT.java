package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's path, with real processes: `derailed run` on an empty embedded database prints demo tokens and a
 * publish command; a client connects with a printed token, and an event published with `derailed publish` reaches it.
 */
class NewcomerIT {

    @Test
    void aNewcomerConnectsWithAPrintedTokenAndSeesAPublishedEvent() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("run")) {
            gateway.awaitLine("Stop with Ctrl-C.", Duration.ofMinutes(2));
            String token = gateway.lineAfter("ada ");
            String publish = gateway.awaitLine("./derailed publish guild", Duration.ofSeconds(1));
            String guildId = publish.split("\\s+")[3];

            try (GatewayClient client = GatewayClient.identified(gateway.webSocketPort, token)) {
                JsonNode ready = client.expectDispatch("READY");
                assertThat(ready.at("/d/user/username").asText()).isEqualTo("ada");
                client.awaitDispatch("GUILD_CREATE");

                String reply = gateway.run("publish", "guild", guildId, "MESSAGE_CREATE", "{\"content\":\"hello\"}");
                assertThat(reply.trim()).endsWith("Success");
                JsonNode event = client.awaitDispatch("MESSAGE_CREATE");
                assertThat(event.at("/d/content").asText()).isEqualTo("hello");
            }

            String userId = gateway.awaitLine("ada ", Duration.ofSeconds(1)).split("\\s+")[2];
            assertThat(gateway.run("token", userId).trim()).startsWith(token.substring(0, token.indexOf('.')));
            assertThat(gateway.terminate()).isIn(0, 130, 143);
        }
    }
}
