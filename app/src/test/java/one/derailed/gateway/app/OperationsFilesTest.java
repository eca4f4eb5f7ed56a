package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The operations files in ops/ (docs/operations.md, "The Grafana dashboard" and "Alerts"): the alert rules pass
 * {@code promtool check rules} and their unit tests ({@code promtool test rules}), and every metric the dashboard and
 * the rules read is one a running node serves on /metrics, so a renamed metric breaks this test, not a dashboard.
 */
class OperationsFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path ALERTS = ROOT.resolve("ops/prometheus/alerts.yml");
    private static final Path ALERT_TESTS = ROOT.resolve("ops/prometheus/alerts-test.yml");
    private static final Path DASHBOARD = ROOT.resolve("ops/grafana/derailed-gateway.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:derailed|jvm|process)_[a-z0-9_]+)");

    @Test
    void theAlertRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
        Path promtool = Path.of(System.getenv().getOrDefault("DERAILED_PROMTOOL", "/usr/bin/promtool"));
        Assumptions.assumeTrue(Files.isExecutable(promtool), "skipped: no promtool at " + promtool
                + " (Debian's prometheus package ships it; DERAILED_PROMTOOL names another)");
        assertThat(run(promtool.toString(), "check", "rules", ALERTS.toString())).contains("SUCCESS");
        assertThat(run(promtool.toString(), "test", "rules", ALERT_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void theDashboardIsGrafanaJsonWithAQueryInEveryPanel() throws IOException {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.path("uid").asText()).isEqualTo("derailed-gateway");
        Set<Integer> ids = new HashSet<>();
        int graphs = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").intValue())).as("panel ids are unique").isTrue();
            assertThat(panel.path("gridPos").path("w").intValue()).isBetween(1, 24);
            if (!panel.path("type").asText().equals("row")) {
                graphs++;
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).isNotBlank());
            }
        }
        assertThat(graphs).isGreaterThanOrEqualTo(20);
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsServed() throws Exception {
        Set<String> read = new TreeSet<>();
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> read.addAll(metrics(target.path("expr").asText())));
        }
        read.addAll(metrics(Files.readString(ALERTS)));
        assertThat(read).contains("derailed_sessions", "derailed_closes_total", "derailed_client_bytes_limit_bytes");

        Set<String> served = new HashSet<>();
        try (TestGateway gateway = TestGateway.start(TestDatabases.h2())) {
            // the counters registered on first use: a close, bytes written, a gRPC publish
            long ada = gateway.data.createUser("ada");
            long guild = gateway.data.createGuild("g", ada);
            gateway.data.addMember(guild, ada);
            try (GatewayClient client = gateway.online(ada, 1)) {
                gateway.ingress.publishToGuild(guild, "MESSAGE_CREATE", "{}");
                client.awaitDispatch("MESSAGE_CREATE");
                client.closeWith(4000);
                client.awaitClose();
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    gateway.gateway.node().metrics().scrape().contains("derailed_closes_total{"));
            for (String line : gateway.gateway.node().metrics().scrape().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    served.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String metric : read) {
            if (!served.contains(metric)) {
                missing.add(metric);
            }
        }
        assertThat(missing).as("metrics read by ops/ that no node serves").isEmpty();
    }

    private static Set<String> metrics(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
