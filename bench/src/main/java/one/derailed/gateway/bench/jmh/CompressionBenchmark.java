package one.derailed.gateway.bench.jmh;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.protocol.Compression;
import one.derailed.gateway.protocol.EncodedFrame;
import one.derailed.gateway.protocol.ServerFrames;
import one.derailed.gateway.protocol.StreamCompressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Transport compression of one connection's dispatches: each call compresses the next of 256 distinct
 * MESSAGE_CREATE dispatches with the connection's one stream compressor (its history carries over, as on a real
 * connection). This is paid once per recipient, on top of {@link DispatchEncodingBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CompressionBenchmark {
    @Param({"ZLIB_STREAM", "ZSTD_STREAM"})
    Compression compression;

    @Param({"512"})
    int bodyBytes;

    private EncodedFrame[] frames;
    private StreamCompressor compressor;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(11);
        frames = new EncodedFrame[256];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = ServerFrames.dispatch(i + 1, "MESSAGE_CREATE", Samples.messageCreate(random, bodyBytes));
        }
        compressor = StreamCompressor.forTransport(compression);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compressor.close();
    }

    @Benchmark
    public byte[] compressDispatch() {
        EncodedFrame frame = frames[next++ & 255];
        return compressor.compress(ByteBuffer.wrap(frame.head()), ByteBuffer.wrap(frame.body()),
                ByteBuffer.wrap(frame.tail()));
    }
}
