package dev.jbert.engine.train;

/**
 * {@code torch.nn.BCEWithLogitsLoss(pos_weight, reduction="mean")}: binary cross-entropy of
 * {@code sigmoid(x)} against targets y in [0, 1], averaged over all B·L elements.
 *
 * <p>PyTorch's stable form, with {@code lw = 1 + (pos_weight - 1)·y}:
 * {@code loss = (1 - y)·x + lw·(log(1 + exp(-|x|)) + max(-x, 0))}, i.e.
 * {@code (1 - y)·x - lw·logsigmoid(x)}; gradient {@code (1 - y) - lw·sigmoid(-x)}, which is
 * {@code sigmoid(x) - y} without pos_weight. In double.
 *
 * <p>Labels: {@link Labels.MultiHot} rows, or {@link Labels.Targets} holding B·L values.
 */
public final class BCEWithLogitsLoss extends DoubleLoss {
    private final float[] posWeight;

    public BCEWithLogitsLoss() {
        this(null);
    }

    /** @param posWeight the weight of positive targets per label {@code [L]}, or null for 1 (copied) */
    public BCEWithLogitsLoss(float[] posWeight) {
        this.posWeight = posWeight == null ? null : posWeight.clone();
    }

    @Override
    double compute(double[] x, int batch, int numLabels, Labels labels, double[] grad, double gradScale) {
        double[] y = new double[x.length];
        switch (labels) {
            case Labels.MultiHot(float[][] rows) -> {
                checkBatch(labels, batch, rows.length);
                for (int i = 0; i < batch; i++) {
                    if (rows[i].length != numLabels) {
                        throw new IllegalArgumentException("BCEWithLogitsLoss: label row " + i + " has "
                                + rows[i].length + " values for " + numLabels + " logits");
                    }
                    for (int j = 0; j < numLabels; j++) {
                        y[i * numLabels + j] = rows[i][j];
                    }
                }
            }
            case Labels.Targets(float[] values) -> {
                if (values.length != x.length) {
                    throw new IllegalArgumentException("BCEWithLogitsLoss: " + values.length + " targets for "
                            + batch + "×" + numLabels + " logits");
                }
                for (int k = 0; k < values.length; k++) {
                    y[k] = values[k];
                }
            }
            default -> throw wrongKind(labels, "multi-hot labels");
        }
        if (posWeight != null && posWeight.length != numLabels) {
            throw new IllegalArgumentException("BCEWithLogitsLoss: " + posWeight.length + " pos_weight values for "
                    + numLabels + " labels");
        }
        int n = x.length;
        double total = 0;
        for (int k = 0; k < n; k++) {
            double xk = x[k];
            double yk = y[k];
            double lw = posWeight == null ? 1.0 : 1.0 + (posWeight[k % numLabels] - 1.0) * yk;
            // -logsigmoid(x) = log(1 + exp(-|x|)) + max(-x, 0)
            double softplusNeg = Math.log1p(Math.exp(-Math.abs(xk))) + Math.max(-xk, 0.0);
            total += (1.0 - yk) * xk + lw * softplusNeg;
            if (grad != null) {
                grad[k] = gradScale * ((1.0 - yk) - lw * sigmoid(-xk)) / n;
            }
        }
        return total / n;
    }

    /** 1 / (1 + exp(-z)), without overflow. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
