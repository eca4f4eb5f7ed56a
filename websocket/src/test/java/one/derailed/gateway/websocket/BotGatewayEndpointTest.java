package one.derailed.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BotGatewayEndpointTest {

    @Test
    void recommendsOneShardPerThousandGuildsAndNeverNone() {
        assertThat(BotGatewayEndpoint.shardsFor(0)).isEqualTo(1);
        assertThat(BotGatewayEndpoint.shardsFor(1)).isEqualTo(1);
        assertThat(BotGatewayEndpoint.shardsFor(1000)).isEqualTo(1);
        assertThat(BotGatewayEndpoint.shardsFor(1001)).isEqualTo(2);
        assertThat(BotGatewayEndpoint.shardsFor(2500)).isEqualTo(3);
    }

    @Test
    void readsOnlyTheBotScheme() {
        assertThat(BotGatewayEndpoint.tokenOf("Bot abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(BotGatewayEndpoint.tokenOf("bot  abc ")).isEqualTo("abc");
        assertThat(BotGatewayEndpoint.tokenOf(null)).isNull();
        assertThat(BotGatewayEndpoint.tokenOf("Bot ")).isNull();
        assertThat(BotGatewayEndpoint.tokenOf("Bearer abc")).isNull();
        assertThat(BotGatewayEndpoint.tokenOf("abc.def.ghi")).isNull();
        assertThat(BotGatewayEndpoint.tokenOf("Botabc")).isNull();
    }
}
