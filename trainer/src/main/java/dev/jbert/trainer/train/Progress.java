package dev.jbert.trainer.train;

import java.io.PrintStream;

/**
 * Human progress of a training run on stderr: a live bar on a terminal ({@link TerminalProgress}),
 * plain periodic lines otherwise ({@link PlainProgress}), so that logs of a batch job stay readable.
 */
public interface Progress extends AutoCloseable {

    /** Training starts (or resumes) at {@code startStep} of {@code maxSteps}. */
    void start(int startStep, int maxSteps, int numEpochs);

    /** After every optimizer step. */
    void step(StepReport report);

    /** A line of its own: an evaluation, a checkpoint, a warning. */
    void message(String line);

    @Override
    void close();

    /**
     * A bar when stderr goes to a terminal ({@code System.console()} is one), else plain lines every
     * {@code intervalSeconds} and at each logged step.
     */
    static Progress forConsole(PrintStream err, double intervalSeconds) {
        java.io.Console console = System.console();
        if (console != null && console.isTerminal()) {
            return new TerminalProgress(err);
        }
        return new PlainProgress(err, intervalSeconds);
    }
}
