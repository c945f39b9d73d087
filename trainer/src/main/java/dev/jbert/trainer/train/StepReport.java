package dev.jbert.trainer.train;

/**
 * Where training stands after an optimizer step, for the progress display.
 *
 * @param step             optimizer steps done
 * @param maxSteps         optimizer steps of the run
 * @param epoch            epochs done, with the fraction of the current one
 * @param numEpochs        epochs the run may visit
 * @param loss             the step's mean loss
 * @param learningRate     the learning rate the step used
 * @param samplesPerSecond training rows per second since the run (or its resumption) started
 * @param etaSeconds       estimated seconds to the end
 * @param logged           whether the step wrote a training log entry
 */
public record StepReport(int step, int maxSteps, double epoch, int numEpochs, double loss, double learningRate,
                         double samplesPerSecond, double etaSeconds, boolean logged) {

    /** {@code epoch 1.25/3 | step 120/480 | loss 0.4321 | lr 4.17e-05 | 35.2 seq/s | ETA 0:03:12}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "epoch %.2f/%d | step %d/%d | loss %.4f | lr %.2e | %.1f seq/s | ETA %s",
                epoch, numEpochs, step, maxSteps, loss, learningRate, samplesPerSecond, duration(etaSeconds));
    }

    /** {@code H:MM:SS}. */
    public static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
