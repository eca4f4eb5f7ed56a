package one.derailed.gateway.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * LoadGenerator is the bench module's command: {@code run SCENARIO} runs a scenario end to end (a gateway or a
 * cluster of its own, the load generator's worker processes, the result); {@code prepare} writes users, guilds and
 * tokens into a gateway's database; {@code floor} runs fanout_floor; {@code worker} is one generator process, driven
 * by {@code run}. Run with {@code java --enable-native-access=ALL-UNNAMED -cp "bench/target/derailed-bench.jar:bench/target/lib/*"
 * one.derailed.gateway.bench.LoadGenerator --help} (bench/derailed-bench does).
 */
@Command(name = "derailed-bench", mixinStandardHelpOptions = true,
        description = "Load generator for the Derailed Gateway (loopback by default).",
        subcommands = {ScenarioCommand.class, PrepareCommand.class, FloorCommand.class, WorkerCommand.class,
                CommandLine.HelpCommand.class})
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
