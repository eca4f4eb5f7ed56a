package one.derailed.gateway.bench.wire;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real Netty WebSocket server on 127.0.0.1 (the codec the gateway runs) for the lean client's tests: each
 * connection gets the HTTP codec, the WebSocket protocol handler as {@code protocol} says, then a new {@code script}.
 */
public final class LoopbackWebSocketServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;

    private LoopbackWebSocketServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    public static LoopbackWebSocketServer start(WebSocketServerProtocolConfig protocol,
                                                Supplier<? extends ChannelHandler> script) throws InterruptedException {
        return start(protocol, null, script);
    }

    /** As {@link #start(WebSocketServerProtocolConfig, Supplier)}, with {@code beforeUpgrade} seeing each request first. */
    public static LoopbackWebSocketServer start(WebSocketServerProtocolConfig protocol,
                                                Supplier<? extends ChannelHandler> beforeUpgrade,
                                                Supplier<? extends ChannelHandler> script) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192));
                        if (beforeUpgrade != null) {
                            ch.pipeline().addLast(beforeUpgrade.get());
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(protocol), script.get());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new LoopbackWebSocketServer(group, listener);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
