package one.derailed.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Report prints a PASS/FAIL line per check and writes them as a JUnit XML report (TEST-NAME.xml), which .ci/run's
 * summary line counts.
 */
public final class Report {
    private record Line(boolean passed, String name, String detail) {}

    private final String suite;
    private final List<Line> lines = new ArrayList<>();
    private final long started = System.nanoTime();

    public Report(String suite) {
        this.suite = suite;
    }

    public boolean check(String name, boolean passed, String detail) {
        lines.add(new Line(passed, name, detail));
        System.out.println((passed ? "PASS  " : "FAIL  ") + name + (detail.isEmpty() ? "" : ": " + detail));
        return passed;
    }

    public void fail(String name, String detail) {
        check(name, false, detail);
    }

    public boolean passed() {
        return !lines.isEmpty() && lines.stream().allMatch(Line::passed);
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        long failures = lines.stream().filter(l -> !l.passed()).count();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"")
                .append(escape(suite)).append("\" tests=\"").append(lines.size()).append("\" failures=\"")
                .append(failures).append("\" errors=\"0\" skipped=\"0\" time=\"")
                .append(String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9))
                .append("\">\n");
        for (Line line : lines) {
            xml.append("  <testcase classname=\"").append(escape(suite)).append("\" name=\"")
                    .append(escape(line.name())).append("\" time=\"0\">");
            if (!line.passed()) {
                xml.append("<failure message=\"").append(escape(line.detail())).append("\"/>");
            }
            xml.append("</testcase>\n");
        }
        xml.append("</testsuite>\n");
        Files.writeString(directory.resolve("TEST-" + suite + ".xml"), xml);
        System.out.println(suite + ": " + (lines.size() - failures) + " passed, " + failures + " failed");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
