package one.derailed.check;

import java.net.URI;

/**
 * Matrix runs one library's check in each of its compression modes against the gateway run-matrix.sh started: it
 * puts the proxy on the port the gateway advertises, starts the stand-in REST server and the publisher, and writes
 * the report. Exits 0 only when every check passed.
 */
public final class Matrix {
    /** One library in one mode: {@code compress} is the URL's compress value it must ask for, or null for none. */
    public record Mode(Library library, String compress) {}

    private Matrix() {}

    public static void run(String suite, java.util.function.Predicate<String> expectedLogLines,
                           java.util.function.Function<CheckEnv, java.util.List<Mode>> modes) {
        Report report = new Report(suite);
        CheckEnv env = CheckEnv.fromEnvironment();
        LibraryLog log = new LibraryLog(expectedLogLines);
        try {
            URI advertised = Gateways.advertised(env.gateway());
            try (CheckProxy proxy = new CheckProxy(advertised.getPort(), env.gateway().getHost(),
                    env.gateway().getPort());
                 StandInRest rest = new StandInRest(env.gateway(), env.userId(), env.username());
                 Publisher publisher = new Publisher(env)) {
                Scenario scenario = new Scenario(env, proxy, rest, publisher, log, report);
                for (Mode mode : modes.apply(env)) {
                    scenario.run(mode.library(), mode.compress());
                }
            }
        } catch (Exception e) {
            report.fail(suite + " setup", e.toString());
        }
        try {
            report.write(env.reports());
        } catch (java.io.IOException e) {
            System.err.println("could not write the report: " + e);
        }
        System.exit(report.passed() ? 0 : 1);
    }
}
