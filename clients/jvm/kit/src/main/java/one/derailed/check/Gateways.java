package one.derailed.check;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gateways reads where the gateway tells clients to connect: {@code GET /api/v10/gateway}'s url. */
public final class Gateways {
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"(wss?://[^\"]+)\"");

    private Gateways() {}

    public static URI advertised(URI gateway) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(gateway.resolve("/api/v10/gateway"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher url = URL.matcher(answer.body());
        if (answer.statusCode() != 200 || !url.find()) {
            throw new IllegalStateException("GET /api/v10/gateway answered " + answer.statusCode() + " " + answer.body());
        }
        return URI.create(url.group(1));
    }
}
