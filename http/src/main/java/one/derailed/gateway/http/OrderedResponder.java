package one.derailed.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OrderedResponder answers the requests of one HTTP/1.1 connection one at a time, in the order they came, however
 * long each answer takes (some are computed off the event loop), so pipelined requests are answered in request order
 * and none is lost. Requests that arrive while one is being answered wait here; at most {@code maxWaiting} of them:
 * past it the connection reads no further, answers what it holds, and closes (RFC 9112 §9.3.2 lets a server close a
 * pipelining connection; the client retries the rest). While anything waits, the socket is not read, so a client
 * cannot pile requests up faster than they are answered.
 *
 * <p>Subclasses say what answers a request ({@link #answer}); a request they pass on ({@link #PASS}, a WebSocket
 * upgrade) goes down the pipeline when its turn comes, after every earlier answer.
 */
public abstract class OrderedResponder extends ChannelInboundHandlerAdapter {
    /** What {@link #answer} returns for a request the next handler takes (a WebSocket upgrade). */
    protected static final CompletionStage<FullHttpResponse> PASS = java.util.concurrent.CompletableFuture
            .completedFuture(null);

    private static final Logger LOG = LoggerFactory.getLogger(OrderedResponder.class);

    private final int maxWaiting;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;
    /** Past the pipelining bound, or after a request that closes the connection: nothing more is read. */
    private boolean closing;
    private boolean passedOn;

    protected OrderedResponder(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    /**
     * The answer to {@code request}, on the event loop; the stage may complete on any thread. {@link #PASS} hands
     * the request to the next handler instead. The request is released after this call unless passed on, so an
     * answer computed later must copy what it needs first.
     */
    protected abstract CompletionStage<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (passedOn || !(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(request);
            return;
        }
        if (answering) {
            if (waiting.size() >= maxWaiting) {
                LOG.debug("{} pipelined more than {} requests: answering those and closing", ctx.channel(),
                        maxWaiting);
                ReferenceCountUtil.release(request);
                closing = true;
                return;
            }
            waiting.addLast(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        start(ctx, request);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        answering = true;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletionStage<FullHttpResponse> answer;
        try {
            answer = answer(ctx, request);
        } catch (RuntimeException e) {
            LOG.warn("{}: answering {} {} failed", ctx.channel(), request.method(), request.uri(), e);
            answer = java.util.concurrent.CompletableFuture.completedFuture(
                    Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR));
        }
        if (answer == PASS) {
            answering = false;
            passedOn = true;
            releaseWaiting();
            ctx.channel().config().setAutoRead(true);
            ctx.fireChannelRead(request);
            return;
        }
        request.release();
        answer.whenComplete((response, failure) -> ctx.executor().execute(() -> finish(ctx, keepAlive,
                failure == null && response != null ? response
                        : Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR))));
    }

    private void finish(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        boolean last = !keepAlive || (closing && waiting.isEmpty());
        HttpUtil.setKeepAlive(response, !last);
        if (last) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        answering = false;
        if (last) {
            written.addListener(ChannelFutureListener.CLOSE);
            closing = true;
            releaseWaiting();
            return;
        }
        FullHttpRequest next = waiting.pollFirst();
        if (next != null) {
            start(ctx, next);
        } else if (!closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseWaiting() {
        for (FullHttpRequest request = waiting.pollFirst(); request != null; request = waiting.pollFirst()) {
            request.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }
}
