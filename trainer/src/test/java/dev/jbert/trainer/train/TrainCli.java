package dev.jbert.trainer.train;

import dev.jbert.cli.Cli;
import dev.jbert.cli.EvalCommand;
import dev.jbert.cli.Main;
import dev.jbert.cli.PredictCommand;
import dev.jbert.cli.TrainCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs {@code jbert} commands in-process for tests, with stdout and stderr captured. The train,
 * eval and predict commands are added to {@link Main}'s command line unless it has them already.
 */
public final class TrainCli {
    private TrainCli() {
    }

    /** Exit status and what the command printed. */
    public record Run(int status, String out, String err) {
        /** The stderr lines, without blank ones. */
        public java.util.List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    public static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = Cli.commandLine(new Main());
            add(cl, "train", TrainCommand::new);
            add(cl, "eval", EvalCommand::new);
            add(cl, "predict", PredictCommand::new);
            cl.setErr(new java.io.PrintWriter(System.err, true));
            cl.setOut(new java.io.PrintWriter(System.out, true));
            int status = cl.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void add(CommandLine cl, String name, Supplier<Object> command) {
        if (!cl.getSubcommands().containsKey(name)) {
            cl.addSubcommand(name, Cli.commandLine(command.get()));
        }
    }
}
