package one.derailed.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * StandInRest is a small stand-in for the few REST calls a library makes while it logs in, which the gateway does not
 * serve (it is no REST API): {@code GET /users/@me} and {@code GET /applications/@me} answer with the check's user
 * (its id from the token). {@code /gateway} and {@code /gateway/bot} go on to the gateway itself, Authorization
 * included, so the library gets the gateway's own answer. Anything else is 404, and noted.
 */
public final class StandInRest implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final String user;
    private final String application;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    public StandInRest(URI gateway, long userId, String username) throws IOException {
        this.gateway = gateway;
        this.user = "{\"id\":\"" + userId + "\",\"username\":\"" + username + "\",\"discriminator\":\"0\","
                + "\"global_name\":null,\"avatar\":null,\"bot\":true,\"system\":false,\"flags\":0,"
                + "\"public_flags\":0,\"verified\":true,\"mfa_enabled\":false,\"locale\":\"en-US\"}";
        this.application = "{\"id\":\"" + userId + "\",\"name\":\"" + username + "\",\"icon\":null,"
                + "\"description\":\"\",\"bot_public\":false,\"bot_require_code_grant\":false,\"verify_key\":\"\","
                + "\"flags\":0,\"team\":null,\"owner\":" + user + ",\"bot\":" + user + "}";
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The REST base the library is given: {@code http://127.0.0.1:PORT/api/v10}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v10";
    }

    /** Every call the library made, as "METHOD /path -> status". */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().replaceFirst("^/api(/v\\d+)?", "");
        int status;
        byte[] body;
        if (path.equals("/gateway") || path.equals("/gateway/bot")) {
            HttpRequest.Builder forward = HttpRequest.newBuilder(gateway.resolve("/api/v10" + path))
                    .timeout(Duration.ofSeconds(10)).GET();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                forward.header("Authorization", authorization);
            }
            try {
                HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = answer.statusCode();
                body = answer.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 502;
                body = "{\"message\":\"interrupted\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
            }
        } else if (path.equals("/users/@me")) {
            status = 200;
            body = user.getBytes(StandardCharsets.UTF_8);
        } else if (path.equals("/applications/@me") || path.equals("/oauth2/applications/@me")) {
            status = 200;
            body = application.getBytes(StandardCharsets.UTF_8);
        } else {
            status = 404;
            body = "{\"message\":\"404: Not Found\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
        }
        calls.add(exchange.getRequestMethod() + " " + path + " -> " + status);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
