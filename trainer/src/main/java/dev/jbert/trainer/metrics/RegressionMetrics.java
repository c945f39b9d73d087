package dev.jbert.trainer.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Metrics of a single-output regression, as scikit-learn and scipy define them. Keys, in order:
 * {@code mse}, {@code mae}, {@code pearson} (scipy's {@code pearsonr}), {@code spearman}
 * (scipy's {@code spearmanr}: Pearson of the ranks, ties given their average rank), {@code r2}
 * (scikit-learn's {@code r2_score}). Sums are taken in double precision.
 *
 * <p>Pearson and Spearman are null where undefined: fewer than two examples, or either side
 * constant. {@code r2} follows scikit-learn's {@code force_finite=True}: with constant labels it
 * is 1.0 for a perfect prediction and 0.0 otherwise.
 */
public final class RegressionMetrics {
    private RegressionMetrics() {
    }

    /**
     * @param labels      {@code [N]} true values
     * @param predictions {@code [N]} predicted values
     */
    public static Map<String, Object> compute(float[] labels, float[] predictions) {
        Inputs.requireRows("labels", labels.length);
        Inputs.requireSameLength("labels", labels.length, "predictions", predictions.length);
        Inputs.requireFinite("labels", labels);
        Inputs.requireFinite("predictions", predictions);
        int n = labels.length;
        double[] truth = new double[n];
        double[] predicted = new double[n];
        double squaredError = 0;
        double absoluteError = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            // + 0.0 turns -0.0 into 0.0: commons-math ranks -0.0 below 0.0, scipy ties them
            truth[i] = labels[i] + 0.0;
            predicted[i] = predictions[i] + 0.0;
            double error = truth[i] - predicted[i];
            squaredError += error * error;
            absoluteError += Math.abs(error);
            mean += truth[i];
        }
        mean /= n;
        double totalSquares = 0;
        for (double t : truth) {
            totalSquares += (t - mean) * (t - mean);
        }

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("mse", squaredError / n);
        metrics.put("mae", absoluteError / n);
        if (n >= 2) {
            metrics.put("pearson", JsonNumbers.orNull(new PearsonsCorrelation().correlation(truth, predicted)));
            metrics.put("spearman", JsonNumbers.orNull(new SpearmansCorrelation().correlation(truth, predicted)));
        } else {
            metrics.put("pearson", null);
            metrics.put("spearman", null);
        }
        double r2;
        if (totalSquares == 0) {
            r2 = squaredError == 0 ? 1.0 : 0.0;
        } else {
            r2 = 1.0 - squaredError / totalSquares;
        }
        metrics.put("r2", r2);
        return metrics;
    }
}
