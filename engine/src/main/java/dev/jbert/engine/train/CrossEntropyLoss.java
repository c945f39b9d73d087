package dev.jbert.engine.train;

/**
 * {@code torch.nn.CrossEntropyLoss(weight, ignore_index, reduction="mean")} on class indices:
 * the mean over rows of {@code -log softmax(x_i)[y_i]}, weighted by the class weights.
 *
 * <p>With weights w, the mean is PyTorch's weighted mean
 * {@code Σ_i w[y_i]·nll_i / Σ_i w[y_i]} over the rows whose label is not the ignore index;
 * ignored rows add nothing to either sum and get a zero gradient. When every row is ignored
 * (or the weights of the labelled classes sum to 0) the loss is 0/0 = NaN, as in PyTorch; the
 * gradient of an ignored row stays 0 even then.
 *
 * <p>Log-softmax is the stable {@code x - max - log Σ exp(x - max)}, in double.
 * Gradient: {@code w[y_i]/Σw · (softmax(x_i) - onehot(y_i))}.
 */
public final class CrossEntropyLoss extends DoubleLoss {
    /** PyTorch's default {@code ignore_index}, also what HF tokenisers use for "no label". */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final float[] classWeights;
    private final int ignoreIndex;

    /** Unweighted, ignore index -100. */
    public CrossEntropyLoss() {
        this(null, DEFAULT_IGNORE_INDEX);
    }

    /**
     * @param classWeights one weight per class {@code [L]}, or null for all 1 (copied)
     * @param ignoreIndex  a label value whose rows are left out
     */
    public CrossEntropyLoss(float[] classWeights, int ignoreIndex) {
        this.classWeights = classWeights == null ? null : classWeights.clone();
        this.ignoreIndex = ignoreIndex;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    @Override
    double compute(double[] x, int batch, int numLabels, Labels labels, double[] grad, double gradScale) {
        if (!(labels instanceof Labels.Classes(int[] y))) {
            throw wrongKind(labels, "class-index labels");
        }
        checkBatch(labels, batch, y.length);
        if (classWeights != null && classWeights.length != numLabels) {
            throw new IllegalArgumentException("CrossEntropyLoss: " + classWeights.length
                    + " class weights for " + numLabels + " classes");
        }
        double[] nll = new double[batch];
        double total = 0;
        double totalWeight = 0;
        for (int i = 0; i < batch; i++) {
            int label = y[i];
            if (label == ignoreIndex) {
                continue;
            }
            if (label < 0 || label >= numLabels) {
                throw new IllegalArgumentException("CrossEntropyLoss: label " + label + " of row " + i
                        + " is outside [0, " + numLabels + ")");
            }
            int off = i * numLabels;
            double lse = logSumExp(x, off, numLabels);
            nll[i] = lse - x[off + label];
            double w = weight(label);
            total += w * nll[i];
            totalWeight += w;
        }
        if (grad != null) {
            for (int i = 0; i < batch; i++) {
                int off = i * numLabels;
                int label = y[i];
                if (label == ignoreIndex) {
                    java.util.Arrays.fill(grad, off, off + numLabels, 0.0);
                    continue;
                }
                double coef = gradScale * weight(label) / totalWeight;
                double lse = logSumExp(x, off, numLabels);
                for (int j = 0; j < numLabels; j++) {
                    double softmax = Math.exp(x[off + j] - lse);
                    grad[off + j] = coef * (j == label ? softmax - 1.0 : softmax);
                }
            }
        }
        return total / totalWeight;
    }

    private double weight(int label) {
        return classWeights == null ? 1.0 : classWeights[label];
    }

    /** log Σ_j exp(x[off + j]), stable. */
    static double logSumExp(double[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY || Double.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return max + Math.log(sum);
    }
}
