package one.derailed.gateway.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The figures a client's input can name stay a bounded set. */
class GatewayMetricsTest {

    @Test
    void closeCodesAClientMakesUpAreCountedAsOneSeries() {
        try (GatewayMetrics metrics = new GatewayMetrics()) {
            for (int code = 3000; code < 5000; code++) {
                metrics.closed(code, true);
            }
            metrics.closed(1000, true);
            metrics.closed(4200, true);
            metrics.closed(4004, false);
            String scrape = metrics.scrape();
            long series = scrape.lines().filter(line -> line.startsWith("derailed_closes_total{")).count();
            // Every gateway code once by the client, 1000, 4200, "other" by the client, and 4004 by the server.
            assertThat(series).isLessThanOrEqualTo(one.derailed.gateway.protocol.CloseCode.values().length + 4);
            assertThat(scrape).contains("derailed_closes_total{by=\"client\",code=\"other\"}");
            assertThat(scrape).contains("derailed_closes_total{by=\"client\",code=\"4200\"} 2.0");
            assertThat(scrape).contains("derailed_closes_total{by=\"server\",code=\"4004\"} 1.0");
        }
    }
}
