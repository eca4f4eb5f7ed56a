package one.derailed.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * ConnectionLimit counts a listener's connections, in all and per source address, and refuses one more at accept
 * with a 503 (and {@code Retry-After}) written straight to the socket, then closes it. A connection counts from
 * accept until it closes or until {@link #release} says it no longer needs counting (the gateway's listener counts
 * only connections that have not identified yet); a released connection's pipeline lets go of this handler too. The
 * per-address counts forget an address when its count is back to zero, so the map holds only addresses with
 * connections open. First in the pipeline; one instance per listener.
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    /** Why a connection was refused, for metrics. */
    public enum Refusal { LISTENER, ADDRESS }

    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("derailed.connection-limit");
    private static final String REFUSAL_BODY =
            "{\"message\":\"503: too many connections are opening: retry shortly\",\"code\":0}";
    private static final byte[] REFUSED = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: "
            + REFUSAL_BODY.length() + "\r\n\r\n" + REFUSAL_BODY).getBytes(StandardCharsets.US_ASCII);

    private final int maxTotal;
    private final int maxPerAddress;
    private final Consumer<Refusal> onRefused;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimit(int maxTotal, int maxPerAddress, Consumer<Refusal> onRefused) {
        if (maxTotal < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("connection limits must be positive: " + maxTotal + ", "
                    + maxPerAddress);
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.onRefused = onRefused;
    }

    /** Connections counted now. */
    public int counted() {
        return total.get();
    }

    /** Source addresses with connections counted now. */
    public int addresses() {
        return perAddress.size();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = addressOf(ctx.channel());
        Refusal refusal = admit(address);
        if (refusal != null) {
            onRefused.accept(refusal);
            ByteBuf answer = Unpooled.wrappedBuffer(REFUSED);
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().attr(COUNTED).set(address);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        uncount(ctx.channel());
        super.channelInactive(ctx);
    }

    /**
     * {@code channel} no longer counts (it identified): its place is given back, and the handler leaves its pipeline,
     * where it would have nothing left to do for the connection's whole life. Calling it again does nothing. Call it
     * on the channel's event loop.
     */
    public void release(Channel channel) {
        uncount(channel);
        if (channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
    }

    private void uncount(Channel channel) {
        InetAddress address = channel.attr(COUNTED).getAndSet(null);
        if (address == null) {
            return;
        }
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    private Refusal admit(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.LISTENER;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (key, count) -> {
            AtomicInteger counter = count == null ? new AtomicInteger() : count;
            if (counter.get() < maxPerAddress) {
                counter.incrementAndGet();
                admitted[0] = true;
            }
            return counter.get() == 0 ? null : counter;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Refusal.ADDRESS;
        }
        return null;
    }

    private static InetAddress addressOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
