package one.derailed.gateway.app;

import io.netty.handler.codec.http.HttpResponseStatus;
import one.derailed.gateway.app.admin.AdminRoutes;
import one.derailed.gateway.core.config.GatewaySettings;
import one.derailed.gateway.core.node.GatewayNode;
import one.derailed.gateway.http.Endpoint;
import one.derailed.gateway.http.OperatorServer;
import one.derailed.gateway.http.OperatorSettings;
import one.derailed.gateway.http.Responses;
import one.derailed.gateway.http.Router;

/**
 * OperatorEndpoints is what a node serves on its operator listener: {@code GET /metrics} (Prometheus text),
 * {@code /healthz} and {@code /readyz} as on the clients' port, for tools that only reach this one, and the admin
 * page and API ({@link AdminRoutes}). Endpoints for operators are added here, to {@link #router}.
 */
final class OperatorEndpoints {
    private OperatorEndpoints() {}

    static Router router(GatewayNode node, boolean tokenRequired) {
        return AdminRoutes.addTo(Router.builder(), node, tokenRequired)
                .get("/metrics", Endpoint.of(request -> Responses.text(HttpResponseStatus.OK,
                        "text/plain; version=0.0.4; charset=utf-8", node.metrics().scrape())))
                .get("/healthz", Endpoint.of(request -> Responses.json(HttpResponseStatus.OK,
                        "{\"status\":\"ok\"}")))
                .get("/readyz", Endpoint.of(request -> node.isReady()
                        ? Responses.json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                        : Responses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"starting\"}")))
                .build();
    }

    /** Starts the operator listener of {@code node} as {@code settings} say. */
    static OperatorServer start(GatewaySettings.Operator settings, GatewayNode node) throws InterruptedException {
        OperatorSettings operator = new OperatorSettings(settings.host(), settings.port(), settings.token(),
                settings.allowUnauthenticatedRemote());
        return OperatorServer.start(operator, router(node, operator.requiresToken()));
    }
}
