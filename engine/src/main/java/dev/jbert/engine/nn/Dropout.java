package dev.jbert.engine.nn;

import dev.jbert.engine.train.DropoutRng;

/**
 * Dropout at one place in the model (a "site"). In training it zeroes each element with
 * probability p and scales the rest by 1/(1−p), remembering the mask for backward; in
 * evaluation, and when p is 0, it is the identity.
 */
public final class Dropout {
    private final float p;
    private final long site;
    private float[] mask;
    private boolean active;

    public Dropout(double p, long site) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = (float) p;
        this.site = site;
    }

    public float p() {
        return p;
    }

    /** Applies dropout to x[0..n) in place. */
    public void forward(RunContext ctx, float[] x, int n) {
        active = ctx.training() && p > 0;
        if (!active) {
            return;
        }
        mask = maskFor(ctx, n);
        for (int i = 0; i < n; i++) {
            x[i] *= mask[i];
        }
    }

    /** A fresh mask of n values (0 or 1/(1−p)) for this site and this pass, or null when inactive. */
    public float[] maskFor(RunContext ctx, int n) {
        active = ctx.training() && p > 0;
        if (!active) {
            return null;
        }
        mask = Buffers.ensure(mask, n);
        new DropoutRng(ctx.seed()).fillMask(mask, 0, n, p, site, ctx.counter());
        return mask;
    }

    /** Backward in place: dx = dy ⊙ mask. */
    public void backward(float[] dy, int n) {
        if (!active) {
            return;
        }
        for (int i = 0; i < n; i++) {
            dy[i] *= mask[i];
        }
    }
}
