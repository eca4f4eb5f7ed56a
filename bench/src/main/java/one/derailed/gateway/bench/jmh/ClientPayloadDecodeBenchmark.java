package one.derailed.gateway.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.ClientPayloadDecoder;
import one.derailed.gateway.protocol.PayloadException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Decoding what clients send most: heartbeats, IDENTIFY and presence updates ({@link ClientPayloadDecoder}). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientPayloadDecodeBenchmark {
    @Param({"heartbeat", "identify", "presence"})
    String payload;

    private byte[] bytes;

    @Setup
    public void setUp() {
        String json = switch (payload) {
            case "heartbeat" -> "{\"op\":1,\"d\":123456}";
            case "identify" -> "{\"op\":2,\"d\":{\"token\":\"MTIzNDU2Nzg5MDEyMzQ1Njc4.aSk3Ag.VGhpc0lzQVNpZ25hdHVyZUhl\","
                    + "\"properties\":{\"os\":\"linux\",\"browser\":\"derailed-bench\",\"device\":\"derailed-bench\"},"
                    + "\"compress\":false,\"large_threshold\":250,\"shard\":[0,1],\"presence\":{\"since\":null,"
                    + "\"activities\":[{\"name\":\"the gateway\",\"type\":3}],\"status\":\"online\",\"afk\":false},"
                    + "\"intents\":513}}";
            case "presence" -> "{\"op\":3,\"d\":{\"since\":91879201,\"activities\":[{\"name\":\"Save the Oxford"
                    + " Comma\",\"type\":0}],\"status\":\"online\",\"afk\":false}}";
            default -> throw new IllegalArgumentException(payload);
        };
        bytes = json.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public ClientPayload decode() throws PayloadException {
        return ClientPayloadDecoder.decode(bytes);
    }
}
