package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SIGTERM of a running gateway process: every client gets op 7 RECONNECT, then a resumable close, and it exits. */
class GracefulShutdownIT {

    @Test
    void sigtermSendsReconnectToEveryClient() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("run")) {
            gateway.awaitLine("Stop with Ctrl-C.", Duration.ofMinutes(2));
            try (GatewayClient ada = GatewayClient.identified(gateway.webSocketPort, gateway.lineAfter("ada "));
                 GatewayClient idle = GatewayClient.connect(gateway.webSocketPort)) {
                ada.expectDispatch("READY");
                // ada's guild comes after READY; once it is here, op 7 is the next frame ada can get
                ada.awaitDispatch("GUILD_CREATE");
                idle.expectOp(10);

                assertThat(gateway.terminate()).isIn(0, 130, 143);

                ada.expectOp(7);
                assertThat(ada.awaitClose().code()).isEqualTo(4000);
                idle.expectOp(7);
                assertThat(idle.awaitClose().code()).isEqualTo(4000);
            }
        }
    }
}
