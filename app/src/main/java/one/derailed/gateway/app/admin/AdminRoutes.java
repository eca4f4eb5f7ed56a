package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import one.derailed.gateway.core.admin.ClusterAdmin;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.http.Endpoint;
import one.derailed.gateway.http.Request;
import one.derailed.gateway.http.Responses;
import one.derailed.gateway.http.Router;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AdminRoutes serves the admin page and the admin API on the operator listener (docs/operations.md, "The admin
 * page"). The page is three static files from the jar, served without the token (they carry no data; the page asks
 * for the token when the API wants one); the API is JSON under {@code /admin/api/}, behind the listener's token and
 * {@link AdminGuard}. Reads and actions go to {@link ClusterAdmin}, which asks every node; a test event goes through
 * the node's ingress, as a gRPC publish does.
 */
public final class AdminRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    /** The longest close reason a WebSocket close frame carries (RFC 6455: 123 bytes of UTF-8). */
    static final int MAX_REASON_BYTES = 123;
    static final String DEFAULT_REASON = "disconnected by an operator";
    /** Security headers of the page: nothing from elsewhere, no inline script, not framed by another page. */
    private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final ClusterAdmin admin;
    private final EventIngress ingress;
    private final AdminGuard guard;

    private AdminRoutes(ClusterAdmin admin, EventIngress ingress, AdminGuard guard) {
        this.admin = admin;
        this.ingress = ingress;
        this.guard = guard;
    }

    /** Adds the page and the API to {@code routes}; {@code tokenRequired} says whether the listener asks for one. */
    public static Router.Builder addTo(Router.Builder routes, GatewayNode node, boolean tokenRequired) {
        AdminRoutes admin = new AdminRoutes(node.admin(), node.ingress(), new AdminGuard(tokenRequired));
        return routes
                .getWithoutToken("/", Endpoint.of(request -> redirect("/admin")))
                .getWithoutToken("/admin", page("index.html", "text/html; charset=utf-8"))
                .getWithoutToken("/admin/admin.js", page("admin.js", "text/javascript; charset=utf-8"))
                .getWithoutToken("/admin/admin.css", page("admin.css", "text/css; charset=utf-8"))
                .get("/admin/api/cluster", admin.guarded(request -> admin.admin.cluster().thenApply(view ->
                        json(HttpResponseStatus.OK, AdminJson.cluster(view)))))
                .get("/admin/api/close-codes", admin.guarded(request -> CompletableFuture.completedFuture(
                        json(HttpResponseStatus.OK, AdminJson.closeCodes()))))
                .get("/admin/api/user", admin.guarded(admin::user))
                .get("/admin/api/session", admin.guarded(admin::session))
                .post("/admin/api/disconnect", admin.guarded(admin::disconnect))
                .post("/admin/api/reconnect", admin.guarded(request -> admin.onNode(request, admin.admin::reconnect)))
                .post("/admin/api/drain", admin.guarded(request -> admin.onNode(request, admin.admin::drain)))
                .post("/admin/api/publish", admin.guarded(admin::publish));
    }

    private Endpoint guarded(Function<Request, CompletionStage<FullHttpResponse>> answer) {
        return request -> {
            Optional<AdminGuard.Refusal> refused = guard.check(request);
            if (refused.isPresent()) {
                return CompletableFuture.completedFuture(error(refused.get().status(), refused.get().reason()));
            }
            try {
                return answer.apply(request).exceptionally(failure -> failed(request, failure));
            } catch (BadRequest bad) {
                return CompletableFuture.completedFuture(error(bad.status, bad.getMessage()));
            }
        };
    }

    private CompletionStage<FullHttpResponse> user(Request request) {
        long userId = snowflake("id", request.parameter("id"));
        return admin.user(userId).thenApply(user -> json(HttpResponseStatus.OK, AdminJson.user(user)));
    }

    private CompletionStage<FullHttpResponse> session(Request request) {
        String sessionId = request.parameter("id");
        if (sessionId == null || !sessionId.matches("[0-9a-f]{32}")) {
            throw new BadRequest("id must be a session_id: 32 lowercase hexadecimal digits");
        }
        return admin.session(sessionId).thenApply(found -> found
                .map(session -> json(HttpResponseStatus.OK, AdminJson.session(session)))
                .orElseGet(() -> error(HttpResponseStatus.NOT_FOUND, "no node that answered has session "
                        + sessionId)));
    }

    /** {@code {"user_id": "...", "code": 4000, "reason": "..."}}: closes every socket of the user with the code. */
    private CompletionStage<FullHttpResponse> disconnect(Request request) {
        JsonNode body = body(request);
        long userId = snowflake("user_id", text(body, "user_id"));
        JsonNode codeField = body.path("code");
        if (!codeField.isMissingNode() && !codeField.canConvertToInt()) {
            throw new BadRequest("code must be a number, one of the gateway's close codes");
        }
        int number = codeField.isMissingNode() ? CloseCode.UNKNOWN_ERROR.code() : codeField.intValue();
        CloseCode code = closeCode(number);
        String reason = body.path("reason").isTextual() ? body.path("reason").asText() : DEFAULT_REASON;
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new BadRequest("reason must be at most " + MAX_REASON_BYTES + " bytes of UTF-8 (a close frame's "
                    + "limit)");
        }
        LOG.info("admin: disconnecting the sessions of user {} with {}", userId, code.code());
        return admin.disconnectUser(userId, code, reason)
                .thenApply(action -> json(HttpResponseStatus.OK, AdminJson.action(action)));
    }

    /** {@code {"node": "host:port"}} (or no node: this one). */
    private CompletionStage<FullHttpResponse> onNode(Request request,
                                                     Function<String, CompletionStage<
                                                             one.derailed.gateway.core.admin.ClusterView.Action>> act) {
        JsonNode body = body(request);
        JsonNode node = body.path("node");
        if (!node.isMissingNode() && !node.isNull() && !node.isTextual()) {
            throw new BadRequest("node must be a node's cluster address, host:port");
        }
        LOG.info("admin: {} on {}", request.path().substring("/admin/api/".length()),
                node.isTextual() ? node.asText() : "this node");
        return act.apply(node.isTextual() ? node.asText() : null)
                .thenApply(action -> json(HttpResponseStatus.OK, AdminJson.action(action)));
    }

    /** {@code {"target": "guild"|"user", "id": "...", "event": "MESSAGE_CREATE", "data": {...}}}. */
    private CompletionStage<FullHttpResponse> publish(Request request) {
        JsonNode body = body(request);
        String target = text(body, "target");
        if (!"guild".equals(target) && !"user".equals(target)) {
            throw new BadRequest("target must be guild or user");
        }
        long id = snowflake("id", text(body, "id"));
        String event = text(body, "event");
        if (!event.matches("[A-Z0-9_]{1,64}")) {
            throw new BadRequest("event must be 1 to 64 characters of A-Z, 0-9 and _");
        }
        if (!body.has("data")) {
            throw new BadRequest("data is required: the event's d, as JSON");
        }
        byte[] data = body.get("data").toString().getBytes(StandardCharsets.UTF_8);
        if (data.length > ingress.maxEventBytes()) {
            throw new BadRequest(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "data of " + data.length
                    + " bytes is over the gateway's limit of " + ingress.maxEventBytes() + " bytes");
        }
        LOG.info("admin: a test {} to {} {}", event, target, id);
        CompletionStage<Void> published = target.equals("guild") ? ingress.publishToGuild(id, event, data, null)
                : ingress.publishToUser(id, event, data, null);
        return published.thenApply(done -> json(HttpResponseStatus.OK, "{\"published\":true}"));
    }

    private static JsonNode body(Request request) {
        try {
            JsonNode body = Json.MAPPER.readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body must be JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("the body must be JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isTextual() && !value.isIntegralNumber()) {
            throw new BadRequest(field + " is required");
        }
        return value.asText();
    }

    private static long snowflake(String field, String value) {
        if (value == null || !value.matches("[0-9]{1,19}")) {
            throw new BadRequest(field + " must be a decimal snowflake");
        }
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException tooLarge) {
            // answered below
        }
        throw new BadRequest(field + " must be a decimal snowflake in 1.." + Long.MAX_VALUE);
    }

    private static CloseCode closeCode(int number) {
        return CloseCode.of(number).orElseThrow(() -> new BadRequest(
                "code must be one of the gateway's close codes (GET /admin/api/close-codes), not " + number));
    }

    private static FullHttpResponse failed(Request request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return switch (cause) {
            case BadRequest bad -> error(bad.status, bad.getMessage());
            case ClusterAdmin.NoSuchNode missing -> error(HttpResponseStatus.NOT_FOUND, missing.getMessage());
            case TimeoutException late -> error(HttpResponseStatus.GATEWAY_TIMEOUT,
                    "the cluster did not answer in time: " + late.getMessage());
            case RejectedExecutionException refused -> error(HttpResponseStatus.CONFLICT, refused.getMessage());
            default -> {
                LOG.warn("admin: {} failed", request.path(), cause);
                yield error(HttpResponseStatus.INTERNAL_SERVER_ERROR, cause.toString());
            }
        };
    }

    private static Endpoint page(String file, String contentType) {
        byte[] bytes;
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/admin/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the admin page's " + file + " is missing from the jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the admin page's " + file, e);
        }
        return Endpoint.of(request -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            response.headers().set("Content-Security-Policy", PAGE_POLICY);
            response.headers().set("X-Content-Type-Options", "nosniff");
            response.headers().set("Referrer-Policy", "no-referrer");
            return response;
        });
    }

    private static FullHttpResponse redirect(String location) {
        FullHttpResponse response = Responses.text(HttpResponseStatus.FOUND, "text/plain; charset=utf-8",
                "the admin page is at " + location);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse response = Responses.json(status, body);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, AdminJson.message(status.code(), message));
    }

    /** A request the API cannot take, with its status (400 unless said). */
    static final class BadRequest extends RuntimeException {
        final HttpResponseStatus status;

        BadRequest(String message) {
            this(HttpResponseStatus.BAD_REQUEST, message);
        }

        BadRequest(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
