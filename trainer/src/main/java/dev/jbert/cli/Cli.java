package dev.jbert.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Shared picocli set-up: user errors become one line on stderr and a non-zero exit status. */
public final class Cli {
    /** Exit status for bad input (a bad file, row or flag). */
    public static final int USER_ERROR = 2;

    private Cli() {
    }

    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UserException || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof dev.jbert.engine.config.ConfigException
                    || ex instanceof dev.jbert.engine.io.CheckpointException
                    || ex instanceof dev.jbert.tokenizer.TokenizerException
                    || ex instanceof dev.jbert.engine.backend.BackendUnavailableException) {
                err.println("jbert: " + oneLine(ex));
                err.flush();
                return USER_ERROR;
            }
            err.println("jbert: internal error: " + oneLine(ex));
            ex.printStackTrace(err);
            err.flush();
            return 70;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            CommandLine where = ex.getCommandLine();
            String help = where.getParent() == null ? "jbert --help" : "jbert " + where.getCommandName() + " --help";
            err.println("jbert: " + oneLine(ex) + " (see '" + help + "')");
            err.flush();
            return USER_ERROR;
        });
        return cl;
    }

    static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException) {
            msg = "no such file: " + msg;
        } else if (ex instanceof java.nio.file.AccessDeniedException) {
            msg = "permission denied: " + msg;
        } else if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ');
    }
}
