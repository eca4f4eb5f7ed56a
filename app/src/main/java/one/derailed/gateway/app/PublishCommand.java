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

    @Override
    public Integer call() {
        GatewaySettings.Grpc grpc = GatewaySettings.from(
                GatewayNode.loadConfig(com.typesafe.config.ConfigFactory.empty())).grpc();
        try (IngressClient client = new IngressClient(grpc.host(), grpc.port())) {
            String reply = target == Target.guild ? client.publishToGuild(id, event, data)
                    : client.publishToUser(id, event, data);
            System.out.println(reply);
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("publish failed: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        }
    }
}
