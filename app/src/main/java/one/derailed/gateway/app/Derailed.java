package one.derailed.gateway.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Derailed is the {@code derailed} command: run the gateway, print tokens, publish events, operate a running cluster. */
@Command(name = "derailed", mixinStandardHelpOptions = true, version = "derailed-gateway 0.1.0",
        description = "Derailed Gateway: a Discord Gateway v10 compatible real-time gateway.",
        subcommands = {RunCommand.class, TokenCommand.class, PublishCommand.class,
                one.derailed.gateway.app.admin.AdminCommand.class})
public final class Derailed implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Derailed()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
