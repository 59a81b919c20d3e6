package io.ringclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ringclip} command line. Each subcommand lives in its own class in this package;
 * register a new one in {@code subcommands} below.
 */
@Command(
        name = "ringclip",
        mixinStandardHelpOptions = true,
        versionProvider = RingclipMain.Version.class,
        description = "Distributed CLIP/SigLIP training on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                BenchCommand.class,
                EmbedCommand.class,
                CoordinatorCommand.class,
                AdminCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                WorkerCommand.class,
        })
public final class RingclipMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        return new CommandLine(new RingclipMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RingclipMain.class.getPackage().getImplementationVersion();
            return new String[] {"ringclip " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
