package dev.jbert.trainer.zeroshot;

/**
 * The zero-shot pipeline's arithmetic on the NLI logits of one sequence, one row per candidate
 * label ({@code logits[k]} is the model's output for the pair (sequence, hypothesis k)):
 * <ul>
 *   <li>single-label: the softmax, across the candidate labels, of the entailment logits;</li>
 *   <li>multi-label (and a single candidate label): for each label on its own, the softmax over
 *       (contradiction, entailment), keeping entailment.</li>
 * </ul>
 * Computed in double, with the maximum subtracted first (the same numbers as the pipeline's plain
 * {@code exp(x) / sum(exp(x))}, without its overflow for large logits).
 */
public final class ZeroShotScores {
    private ZeroShotScores() {
    }

    /** Scores summing to 1 across the candidate labels. */
    public static double[] singleLabel(float[][] logits, int entailment) {
        int k = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] row : logits) {
            max = Math.max(max, row[entailment]);
        }
        double[] out = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            out[i] = Math.exp(logits[i][entailment] - max);
            sum += out[i];
        }
        for (int i = 0; i < k; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** An independent probability of entailment (against contradiction) per candidate label. */
    public static double[] multiLabel(float[][] logits, int entailment, int contradiction) {
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            double e = logits[i][entailment];
            double c = logits[i][contradiction];
            double m = Math.max(e, c);
            double pe = Math.exp(e - m);
            out[i] = pe / (pe + Math.exp(c - m));
        }
        return out;
    }
}
