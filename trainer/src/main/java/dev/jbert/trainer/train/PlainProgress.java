package dev.jbert.trainer.train;

import java.io.PrintStream;

/**
 * Progress as plain lines (for logs and pipes): one at the first step, at every logged step, and
 * whenever {@code intervalSeconds} have passed since the last one, each like
 * {@code epoch 1.25/3 | step 120/480 | loss 0.4321 | lr 4.17e-05 | 35.2 seq/s | ETA 0:03:12}.
 */
public final class PlainProgress implements Progress {
    private final PrintStream err;
    private final long intervalNanos;
    private long lastLine;
    private boolean first = true;

    public PlainProgress(PrintStream err, double intervalSeconds) {
        this.err = err;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public void start(int startStep, int maxSteps, int numEpochs) {
        err.println(startStep > 0 ? "resuming at step " + startStep + " of " + maxSteps
                : "training: " + maxSteps + " optimizer steps, " + numEpochs + (numEpochs == 1 ? " epoch" : " epochs"));
        lastLine = System.nanoTime();
    }

    @Override
    public void step(StepReport r) {
        long now = System.nanoTime();
        if (first || r.logged() || now - lastLine >= intervalNanos || r.step() == r.maxSteps()) {
            err.println(r.describe());
            lastLine = now;
            first = false;
        }
    }

    @Override
    public void message(String line) {
        err.println(line);
    }

    @Override
    public void close() {
        err.flush();
    }
}
