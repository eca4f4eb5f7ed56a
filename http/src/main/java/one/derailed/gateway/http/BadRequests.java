package one.derailed.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * BadRequests answers a request that did not parse instead of letting it pass as if it were valid (Netty hands on a
 * stand-in request with a failed decoder result), then closes the connection, since nothing after it can be read
 * reliably: header lines past {@link HttpLimits#MAX_HEADER_BYTES} get 431, a request line past
 * {@link HttpLimits#MAX_REQUEST_LINE_BYTES} 414 (RFC 9112 §3), a version other than HTTP/1.0 and 1.1 505, anything
 * else that is not HTTP, and an HTTP/1.1 request without {@code Host} (RFC 9112 §3.2), 400. Sits right behind the
 * aggregator.
 */
@ChannelHandler.Sharable
public final class BadRequests extends ChannelInboundHandlerAdapter {
    public static final BadRequests INSTANCE = new BadRequests();

    private BadRequests() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpResponseStatus refusal = refusal(request);
        if (refusal == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        FullHttpResponse response = Responses.error(refusal);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        // Whatever else arrives is past the point where the stream could be trusted.
        ctx.channel().config().setAutoRead(false);
    }

    /** The status that answers {@code request}, or null when it parsed. */
    static HttpResponseStatus refusal(FullHttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return switch (result.cause()) {
                case TooLongHttpHeaderException tooLong -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                case TooLongHttpLineException tooLong -> HttpResponseStatus.REQUEST_URI_TOO_LONG;
                default -> HttpResponseStatus.BAD_REQUEST;
            };
        }
        if (request.protocolVersion().majorVersion() != 1 || request.protocolVersion().minorVersion() > 1) {
            return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !request.headers().contains(HttpHeaderNames.HOST)) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        return null;
    }
}
