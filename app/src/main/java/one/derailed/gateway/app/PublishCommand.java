package one.derailed.gateway.app;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.grpc.IngressClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code derailed publish guild|user ID EVENT JSON}: publishes through the gRPC ingress, as the API does. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish an event to a guild or a user through the gateway's gRPC ingress.")
final class PublishCommand implements Callable<Integer> {

    enum Target { guild, user }

    @Parameters(index = "0", description = "guild or user")
    Target target;

    @Parameters(index = "1", description = "The guild's or user's id.")
    long id;

    @Parameters(index = "2", description = "The event name, e.g. MESSAGE_CREATE.")
    String event;

    @Parameters(index = "3", description = "The event's d as JSON text.")
    String data;

    @picocli.CommandLine.Option(names = "--idempotency-key", description = "Sent as idempotency-key: a retry with the "
            + "same key is delivered at most once.")
    String idempotencyKey;

    @Override
    public Integer call() {
        com.typesafe.config.Config config = GatewayNode.loadConfig(com.typesafe.config.ConfigFactory.empty());
        GatewaySettings.Grpc grpc = GatewaySettings.from(config).grpc();
        // The gateway's DERAILED_GRPC_TOKEN, and TLS trusting its own certificate when it serves one.
        try (IngressClient client = IngressSettings.client(config, grpc)) {
            String reply = target == Target.guild ? client.publishToGuild(id, event, data, idempotencyKey)
                    : client.publishToUser(id, event, data, idempotencyKey);
            System.out.println(reply);
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("publish failed: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } catch (java.io.IOException e) {
            System.err.println("publish failed: cannot read the gateway's TLS certificate: " + e.getMessage());
            return 1;
        }
    }
}
