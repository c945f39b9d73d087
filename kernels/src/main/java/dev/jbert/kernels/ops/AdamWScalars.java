package dev.jbert.kernels.ops;

/**
 * The per-step scalars of the fused AdamW kernel, computed on the host exactly as
 * {@code dev.jbert.engine.train.AdamW.step} does (double, then rounded to float).
 */
public record AdamWScalars(float lerpWeight, float beta2, float oneMinusBeta2, float eps, float decayFactor,
                           float negStepSize, float biasCorrection2Sqrt) {
    /** For step t (1-based) at learning rate lr. */
    public static AdamWScalars of(double lr, double beta1, double beta2, double eps, double weightDecay, long t) {
        double bc1 = 1 - StrictMath.pow(beta1, (double) t);
        double bc2 = 1 - StrictMath.pow(beta2, (double) t);
        return new AdamWScalars((float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps,
                (float) (1 - lr * weightDecay), (float) (-lr / bc1), (float) Math.sqrt(bc2));
    }
}
