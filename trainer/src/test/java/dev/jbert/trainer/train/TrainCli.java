package dev.jbert.trainer.train;

import dev.jbert.cli.Cli;
import dev.jbert.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs {@code jbert} commands in-process for tests, through {@link Main}'s command line, with
 * stdout and stderr captured. Shared by the command tests of every package.
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
            cl.setErr(new java.io.PrintWriter(System.err, true));
            cl.setOut(new java.io.PrintWriter(System.out, true));
            int status = cl.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
