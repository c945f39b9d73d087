package dev.jbert.trainer.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A live progress bar on a terminal (me.tongfei progressbar): steps done of the total, elapsed time
 * and ETA, with the epoch, the loss, the learning rate and sequences per second beside it.
 * Messages are printed on lines of their own above the bar.
 */
public final class TerminalProgress implements Progress {
    private final PrintStream err;
    private ProgressBar bar;

    public TerminalProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void start(int startStep, int maxSteps, int numEpochs) {
        bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(maxSteps)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(500)
                .startsFrom(startStep, Duration.ZERO)
                .build();
    }

    @Override
    public void step(StepReport r) {
        if (bar == null) {
            return;
        }
        bar.stepTo(r.step());
        bar.setExtraMessage(String.format(Locale.ROOT, "ep %.2f/%d loss %.4f lr %.1e %.1f seq/s",
                r.epoch(), r.numEpochs(), r.loss(), r.learningRate(), r.samplesPerSecond()));
    }

    @Override
    public void message(String line) {
        // start on a fresh line: the bar redraws itself below at its next refresh
        err.print("\r\033[K");
        err.println(line);
        if (bar != null) {
            bar.refresh();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        err.flush();
    }
}
