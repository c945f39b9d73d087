package dev.jbert.engine.train;

/**
 * {@code torch.nn.MSELoss(reduction="mean")} as Hugging Face applies it for regression:
 * {@code mse(logits.squeeze(), labels.squeeze())}, i.e. logits {@code [B, 1]} against targets
 * {@code [B]} (and {@code [B, L]} against B·L row-major targets when there are L outputs).
 * Loss {@code Σ (x - y)² / n}, gradient {@code 2(x - y)/n}, in double.
 */
public final class MSELoss extends DoubleLoss {

    @Override
    double compute(double[] x, int batch, int numLabels, Labels labels, double[] grad, double gradScale) {
        if (!(labels instanceof Labels.Targets(float[] y))) {
            throw wrongKind(labels, "regression targets");
        }
        if (y.length != x.length) {
            throw new IllegalArgumentException("MSELoss: " + y.length + " targets for " + batch + "×" + numLabels
                    + " logits");
        }
        int n = x.length;
        double total = 0;
        for (int k = 0; k < n; k++) {
            double d = x[k] - y[k];
            total += d * d;
            if (grad != null) {
                grad[k] = gradScale * 2.0 * d / n;
            }
        }
        return total / n;
    }
}
