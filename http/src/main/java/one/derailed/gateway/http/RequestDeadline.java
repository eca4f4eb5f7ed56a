package one.derailed.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * RequestDeadline bounds how long an HTTP connection may hold the server without giving it a request to answer:
 * from accept to its first complete request ({@code requestTimeout}, which covers silent connections and slowloris
 * clients that trickle a request in forever), and, once its answers are written, to its next complete request
 * ({@code keepAliveTimeout}). A connection still inside a request when its time is up is answered 408 and closed;
 * an idle kept-alive one is closed. While a request is being answered no clock runs. A connection that switches to
 * WebSocket (a 101 answer) is no longer HTTP and the handler leaves the pipeline; the WebSocket's own heartbeats and
 * identify deadline take over.
 */
public final class RequestDeadline extends ChannelDuplexHandler {
    /** How long a timed-out connection may take to receive its 408 before it is cut. */
    private static final long CLOSE_GRACE_MILLIS = 1_000;

    private final long requestTimeoutNanos;
    private final long keepAliveTimeoutNanos;
    private final Consumer<Boolean> onTimeout;
    private ScheduledFuture<?> deadline;
    /** Requests read and not yet answered. */
    private int unanswered;

    /**
     * @param onTimeout told whether the connection timed out inside a request (true) or idle (false), for metrics
     */
    public RequestDeadline(Duration requestTimeout, Duration keepAliveTimeout, Consumer<Boolean> onTimeout) {
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.keepAliveTimeoutNanos = keepAliveTimeout.toNanos();
        this.onTimeout = onTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx, requestTimeoutNanos, true);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx, requestTimeoutNanos, true);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            unanswered++;
            cancel();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            cancel();
            ctx.pipeline().remove(this);
            super.write(ctx, msg, promise);
            return;
        }
        boolean ends = msg instanceof FullHttpResponse || msg instanceof LastHttpContent;
        super.write(ctx, msg, promise);
        if (ends && unanswered > 0 && --unanswered == 0) {
            // The next request may start now: a kept-alive connection gets the idle time, and no more, to send it.
            arm(ctx, keepAliveTimeoutNanos, false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx, long nanos, boolean firstRequest) {
        cancel();
        deadline = ctx.executor().schedule(() -> expire(ctx, firstRequest), nanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx, boolean firstRequest) {
        deadline = null;
        if (unanswered > 0 || !ctx.channel().isActive()) {
            return;
        }
        onTimeout.accept(firstRequest);
        if (!firstRequest) {
            ctx.close();
            return;
        }
        FullHttpResponse timedOut = Responses.error(HttpResponseStatus.REQUEST_TIMEOUT);
        timedOut.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(timedOut).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read would keep even the 408 from being flushed: cut it after a grace.
        ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
