package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bystander is a session of a fresh user in a fresh guild that must keep receiving that guild's events, in order,
 * whatever other clients do to the gateway meanwhile.
 */
final class Bystander implements AutoCloseable {
    final long user;
    final long guild;
    final GatewayClient client;
    private final TestGateway gw;
    private int sent;

    Bystander(TestGateway gw) {
        this.gw = gw;
        user = gw.data.createUser("bystander");
        guild = gw.data.createGuild("g", user);
        gw.data.addMember(guild, user);
        client = gw.online(user, 1);
    }

    /** Publishes the next numbered event and waits for it: the bystander got every one so far, in order. */
    void stillReceives() {
        int n = ++sent;
        gw.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{\"bystander\":" + n + "}");
        while (true) {
            JsonNode event = client.awaitDispatch("MESSAGE_CREATE");
            if (event.at("/d/bystander").isInt()) {
                assertThat(event.at("/d/bystander").intValue()).as("the bystander's next event").isEqualTo(n);
                return;
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
