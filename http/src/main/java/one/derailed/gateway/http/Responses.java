package one.derailed.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses builds the gateway's HTTP answers: JSON bodies in Discord's error shape, and plain text. */
public final class Responses {
    private Responses() {}

    /** {@code body} (JSON text) with {@code status}. */
    public static FullHttpResponse json(HttpResponseStatus status, String body) {
        return text(status, HttpHeaderValues.APPLICATION_JSON.toString(), body);
    }

    /** Discord's error body: {@code {"message": "<code>: <reason>", "code": 0}}. */
    public static FullHttpResponse error(HttpResponseStatus status) {
        return json(status, "{\"message\":\"" + status.code() + ": " + status.reasonPhrase() + "\",\"code\":0}");
    }

    public static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }
}
