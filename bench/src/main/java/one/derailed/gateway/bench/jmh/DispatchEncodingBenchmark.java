package one.derailed.gateway.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import one.derailed.gateway.protocol.EncodedFrame;
import one.derailed.gateway.protocol.ServerFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-recipient cost of a dispatch: the recipient's head in front of the shared body
 * ({@link ServerFrames#dispatch}), the three parts wrapped as one Netty buffer without copying (what
 * ChannelConnection.send does), the joined copy for comparison, and the WebSocket frame encoding of the wrapped
 * buffer (server side, unmasked) through an {@link EmbeddedChannel}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchEncodingBenchmark {
    @Param({"256", "4096"})
    int bodyBytes;

    private byte[] body;
    private long seq;
    private EmbeddedChannel webSocket;

    @Setup
    public void setUp() {
        body = Samples.messageCreate(new Random(7), bodyBytes);
        webSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    }

    @TearDown
    public void tearDown() {
        webSocket.finishAndReleaseAll();
    }

    @Benchmark
    public EncodedFrame dispatch() {
        return ServerFrames.dispatch(++seq, "MESSAGE_CREATE", body);
    }

    @Benchmark
    public int dispatchWrapped() {
        EncodedFrame frame = ServerFrames.dispatch(++seq, "MESSAGE_CREATE", body);
        ByteBuf wrapped = Unpooled.wrappedBuffer(frame.head(), frame.body(), frame.tail());
        int size = wrapped.readableBytes();
        wrapped.release();
        return size;
    }

    @Benchmark
    public byte[] dispatchJoined() {
        return ServerFrames.dispatch(++seq, "MESSAGE_CREATE", body).toBytes();
    }

    @Benchmark
    public int dispatchWebSocketEncoded() {
        EncodedFrame frame = ServerFrames.dispatch(++seq, "MESSAGE_CREATE", body);
        webSocket.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.head(), frame.body(),
                frame.tail())));
        int size = 0;
        Object out;
        while ((out = webSocket.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) out;
            size += buf.readableBytes();
            buf.release();
        }
        return size;
    }
}
