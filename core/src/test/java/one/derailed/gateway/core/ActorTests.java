package one.derailed.gateway.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import one.derailed.gateway.core.node.GatewayNode;

/** ActorTests configures actor tests: local actors, and every message serialized as if it crossed nodes. */
public final class ActorTests {
    private ActorTests() {}

    public static Config config() {
        return GatewayNode.loadConfig(ConfigFactory.parseMap(Map.of(
                "pekko.actor.provider", "local",
                "pekko.actor.serialize-messages", "on",
                "pekko.actor.allow-java-serialization", "off",
                "pekko.loglevel", "WARNING")));
    }
}
