package one.derailed.gateway.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import one.derailed.gateway.protocol.Json;

/** AdminHttp calls a node's admin API on its operator listener, as the page and {@code derailed admin} do. */
final class AdminHttp {
    /** An answer: its status, its body, and the body as JSON (null when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
        String message() {
            return json == null ? body : json.path("message").asText();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    AdminHttp(int operatorPort) {
        this.base = "http://127.0.0.1:" + operatorPort;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Map.of());
    }

    Answer get(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    /** POSTs {@code json} as application/json. */
    Answer post(String path, String json) {
        return post(path, json, Map.of("Content-Type", "application/json"));
    }

    Answer post(String path, String body, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)),
                headers);
    }

    private Answer send(HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(response.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Answer(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            throw new AssertionError("the admin API did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
