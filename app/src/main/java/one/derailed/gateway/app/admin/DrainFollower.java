package one.derailed.gateway.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * DrainFollower shows a drain's progress ({@code derailed admin drain --wait}): once a second it asks the node it
 * talks to for the cluster and prints each new step of the drained node's leave, until the node is no longer a
 * member, or, when it drains itself, until its listener stops answering.
 */
final class DrainFollower {
    private static final Duration POLL = Duration.ofSeconds(1);

    private final AdminClient client;
    private final String node;
    private final Duration timeout;
    private final PrintStream out;

    DrainFollower(AdminClient client, String node, Duration timeout, PrintStream out) {
        this.client = client;
        this.node = node;
        this.timeout = timeout;
        this.out = out;
    }

    int follow() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String target = node;
        String last = null;
        while (System.nanoTime() < deadline) {
            JsonNode view;
            try {
                view = client.get("cluster");
            } catch (IOException | AdminClient.Refused gone) {
                if (target == null || last != null) {
                    out.println("the node stopped answering: it has left");
                    return 0;
                }
                out.println("no answer: " + gone.getMessage());
                return 1;
            }
            if (target == null) {
                target = view.path("self").asText();
            }
            JsonNode member = member(view, target);
            if (member == null) {
                out.println(target + " has left the cluster");
                return 0;
            }
            JsonNode leaving = member.path("report").path("leaving");
            String now = leaving.isObject()
                    ? String.format("%.1f s  %s  (%s)", leaving.path("since_start_ms").doubleValue() / 1000,
                    leaving.path("step").asText(), leaving.path("phase").asText())
                    : member.path("status").asText();
            if (!now.equals(last)) {
                out.println(target + ": " + now);
                last = now;
            }
            Thread.sleep(POLL.toMillis());
        }
        out.println("still leaving after " + timeout.toSeconds() + " s");
        return 1;
    }

    private static JsonNode member(JsonNode view, String node) {
        for (JsonNode member : view.path("nodes")) {
            if (member.path("node").asText().equals(node)) {
                return member;
            }
        }
        return null;
    }
}
