package one.derailed.gateway.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * LoadGenerator is the bench module's command: {@code prepare} writes users, guilds and tokens into the gateway's
 * database; {@code idle}, {@code fanout}, {@code storm} and {@code guilds} run the scenarios of issue 7 against a
 * running gateway. Run with {@code java -cp "bench/target/derailed-bench.jar:bench/target/lib/*"
 * one.derailed.gateway.bench.LoadGenerator --help}.
 */
@Command(name = "derailed-bench", mixinStandardHelpOptions = true,
        description = "Load generator for the Derailed Gateway (loopback by default).",
        subcommands = {PrepareCommand.class, IdleScenario.class, FanoutScenario.class, StormScenario.class,
                GuildsScenario.class, CommandLine.HelpCommand.class})
public final class LoadGenerator implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new LoadGenerator()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
