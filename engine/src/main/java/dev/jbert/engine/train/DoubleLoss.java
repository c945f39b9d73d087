package dev.jbert.engine.train;

import dev.jbert.engine.tensor.Tensor;

/**
 * The float32 face of a loss computed in double: checks shapes, widens the logits, calls
 * {@link #compute}, rounds the loss and the gradient to float32. The double core is also what
 * the finite-difference tests differentiate.
 */
abstract class DoubleLoss implements Loss {

    /**
     * Mean loss of {@code x} ({@code [batch, numLabels]} row-major) and, when {@code grad} is
     * not null, {@code gradScale · dLoss/dx} written into it.
     */
    abstract double compute(double[] x, int batch, int numLabels, Labels labels, double[] grad, double gradScale);

    @Override
    public final float forward(Tensor logits, Labels labels, Tensor dLogits, double gradScale) {
        if (logits == null || labels == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": logits and labels must not be null");
        }
        int rank = logits.rank();
        if (rank != 1 && rank != 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": logits must be [B, L], found "
                    + logits.shapeString());
        }
        int batch = logits.dim(0);
        int numLabels = rank == 2 ? logits.dim(1) : 1;
        if (dLogits != null && dLogits.size() != logits.size()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": dLogits " + dLogits.shapeString()
                    + " does not match logits " + logits.shapeString());
        }
        float[] xf = logits.data();
        double[] x = new double[xf.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = xf[i];
        }
        double[] grad = dLogits == null ? null : new double[x.length];
        double loss = compute(x, batch, numLabels, labels, grad, gradScale);
        if (grad != null) {
            float[] g = dLogits.data();
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) grad[i];
            }
        }
        return (float) loss;
    }

    /** Raises unless the labels have {@code batch} rows. */
    final void checkBatch(Labels labels, int batch, int rows) {
        if (rows != batch) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + rows
                    + " label rows for a batch of " + batch + " logits rows");
        }
    }

    final IllegalArgumentException wrongKind(Labels labels, String expected) {
        return new IllegalArgumentException(getClass().getSimpleName() + ": expected " + expected + ", found "
                + labels.getClass().getSimpleName() + " labels");
    }
}
