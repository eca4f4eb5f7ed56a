package one.derailed.gateway.websocket;

import java.time.Duration;
import one.derailed.gateway.core.config.GatewaySettings;

/** EdgeLimits are the per-socket limits the WebSocket edge enforces, named in derailed.websocket. */
record EdgeLimits(Duration heartbeatInterval, Duration heartbeatTimeout, int maxPayloadBytes, int maxFrameBytes,
                  int outboundHighWaterBytes, int rateLimitFrames, Duration rateLimitWindow,
                  Duration handshakeTimeout, Duration keepAliveTimeout, Duration identifyTimeout,
                  int maxPipelinedRequests) {

    static EdgeLimits of(GatewaySettings.WebSocket settings) {
        return new EdgeLimits(settings.heartbeatInterval(), settings.heartbeatTimeout(), settings.maxPayloadBytes(),
                settings.maxFrameBytes(), settings.outboundHighWaterBytes(), settings.rateLimitFrames(),
                settings.rateLimitWindow(), settings.handshakeTimeout(), settings.keepAliveTimeout(),
                settings.identifyTimeout(), settings.maxPipelinedRequests());
    }

    /** A fresh count of one socket's client frames. */
    FrameRateLimit frameRate() {
        return new FrameRateLimit(rateLimitFrames, rateLimitWindow.toNanos());
    }
}
