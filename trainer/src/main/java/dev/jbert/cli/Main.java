package dev.jbert.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jbert} command line: one subcommand per job. */
@Command(name = "jbert", mixinStandardHelpOptions = true, version = "jbert 0.1.0",
        description = "A from-scratch BERT/DistilBERT engine: tokenize, run, fine-tune.",
        subcommands = {DemoCommand.class, TokenizeCommand.class, InspectCommand.class, EmbedCommand.class, ImportOnnxCommand.class,
                DownloadCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, ZeroShotCommand.class,
                ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return Cli.commandLine(new Main()).execute(args);
    }
}
