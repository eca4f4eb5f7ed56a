package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import one.derailed.gateway.protocol.Json;

/**
 * AdminClient is {@code derailed admin}'s way to a running node: the same admin API the page uses
 * ({@code /admin/api/}), with the operator listener's bearer token when one is set.
 */
final class AdminClient {
    /** The API answered with an error status; {@code message} is its message. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    AdminClient(URI base, String token) {
        this.base = base;
        this.token = token == null || token.isEmpty() ? null : token;
    }

    URI base() {
        return base;
    }

    JsonNode get(String pathAndQuery) throws Refused, IOException, InterruptedException {
        return send(request(pathAndQuery).GET());
    }

    JsonNode post(String path, JsonNode body) throws Refused, IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/admin/api/" + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private JsonNode send(HttpRequest.Builder request) throws Refused, IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException notJson) {
            json = null;
        }
        if (response.statusCode() / 100 != 2) {
            String message = json != null && json.hasNonNull("message") ? json.get("message").asText()
                    : response.statusCode() + (response.body().isEmpty() ? "" : ": " + response.body());
            if (response.statusCode() == 401) {
                message += " (set DERAILED_OPERATOR_TOKEN to the node's operator token)";
            }
            throw new Refused(response.statusCode(), message);
        }
        if (json == null) {
            throw new IOException("the admin API answered " + response.statusCode() + " without JSON");
        }
        return json;
    }
}
