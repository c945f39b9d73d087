package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.cpu.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * One post-LN transformer block, as BERT and DistilBERT compute it:
 * <pre>
 *   q, k, v = x·Wqᵀ + bq, x·Wkᵀ + bk, x·Wvᵀ + bv         // [B·T, C] each
 *   ctx     = softmax(q·kᵀ/√D + mask) · v  (per head)     // [B·T, C]
 *   h1      = LN1(x + dropout?(ctx·Woᵀ + bo))             // BERT drops here, DistilBERT not
 *   y       = LN2(h1 + dropout(act(h1·W1ᵀ + b1)·W2ᵀ + b2))
 * </pre>
 * Forward keeps every activation backward needs in this layer's own buffers.
 */
public final class EncoderLayer {
    final Linear query;
    final Linear key;
    final Linear value;
    final Linear attentionOutput;
    final LayerNorm attentionNorm;
    final Linear ffnIn;
    final Linear ffnOut;
    final LayerNorm outputNorm;
    private final Dropout attentionDropout;   // on attention probabilities
    private final Dropout attentionOutDropout; // null for DistilBERT
    private final Dropout ffnDropout;
    private final int c;
    private final int heads;
    private final int f;

    private ModelInput input;
    private float[] x;         // [M, C] layer input (owned by the previous layer)
    private float[] probs;     // [B, H, T, T]
    private float[] attnMask;  // [B, H, T, T] dropout mask or null
    private float[] context;   // [M, C]
    private float[] residual1; // [M, C] x + attention output
    private float[] residual2; // [M, C] h1 + ffn output

    public EncoderLayer(String prefix, LayerNames names, int c, int heads, int f, Activation act, float eps,
                        double hiddenDropout, double attentionDropoutP, boolean dropoutAfterAttentionOutput,
                        long siteBase) {
        if (c % heads != 0) {
            throw new IllegalArgumentException("hidden size " + c + " is not a multiple of the number of heads " + heads);
        }
        this.c = c;
        this.heads = heads;
        this.f = f;
        this.query = new Linear(prefix + names.query(), c, c, Activation.NONE);
        this.key = new Linear(prefix + names.key(), c, c, Activation.NONE);
        this.value = new Linear(prefix + names.value(), c, c, Activation.NONE);
        this.attentionOutput = new Linear(prefix + names.attentionOutput(), c, c, Activation.NONE);
        this.attentionNorm = new LayerNorm(prefix + names.attentionNorm(), c, eps);
        this.ffnIn = new Linear(prefix + names.ffnIn(), c, f, act);
        this.ffnOut = new Linear(prefix + names.ffnOut(), f, c, Activation.NONE);
        this.outputNorm = new LayerNorm(prefix + names.outputNorm(), c, eps);
        this.attentionDropout = new Dropout(attentionDropoutP, siteBase);
        this.attentionOutDropout = dropoutAfterAttentionOutput ? new Dropout(hiddenDropout, siteBase + 1) : null;
        this.ffnDropout = new Dropout(hiddenDropout, siteBase + 2);
    }

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        ps.addAll(query.parameters());
        ps.addAll(key.parameters());
        ps.addAll(value.parameters());
        ps.addAll(attentionOutput.parameters());
        ps.addAll(attentionNorm.parameters());
        ps.addAll(ffnIn.parameters());
        ps.addAll(ffnOut.parameters());
        ps.addAll(outputNorm.parameters());
        return ps;
    }

    /** The attention probabilities of the last forward pass, [B, H, T, T] (valid prefix). */
    public float[] attentionProbs() {
        return probs;
    }

    /** x [B·T, C] → y [B·T, C] (this layer's output buffer). */
    public float[] forward(RunContext ctx, ModelInput in, float[] x) {
        Backend be = ctx.backend();
        boolean train = ctx.keepForBackward();
        int b = in.batch();
        int t = in.seqLen();
        int m = b * t;
        int d = c / heads;
        this.input = in;
        this.x = x;
        float[] q = query.forward(be, x, m, train);
        float[] k = key.forward(be, x, m, train);
        float[] v = value.forward(be, x, m, train);
        probs = Buffers.ensure(probs, b * heads * t * t);
        attnMask = attentionDropout.maskFor(ctx, b * heads * t * t);
        context = Buffers.ensure(context, m * c);
        be.attention(q, k, v, in.attentionMask(), b, t, heads, d, probs, attnMask, context);
        float[] ao = attentionOutput.forward(be, context, m, train);
        if (attentionOutDropout != null) {
            attentionOutDropout.forward(ctx, ao, m * c);
        }
        residual1 = Buffers.ensure(residual1, m * c);
        add(x, ao, residual1, m * c);
        float[] h1 = attentionNorm.forward(be, residual1, m, train);
        ffnIn.forward(be, h1, m, train);
        float[] o = ffnOut.forward(be, ffnIn.output(), m, train);
        ffnDropout.forward(ctx, o, m * c);
        residual2 = Buffers.ensure(residual2, m * c);
        add(h1, o, residual2, m * c);
        return outputNorm.forward(be, residual2, m, train);
    }

    private static void add(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /**
     * dy [M, C] (consumed) → dx [M, C] (overwritten). Parameter gradients accumulate.
     * {@code s} holds scratch buffers shared by all layers.
     */
    public void backward(RunContext ctx, float[] dy, float[] dx, Scratch s) {
        Backend be = ctx.backend();
        int b = input.batch();
        int t = input.seqLen();
        int m = b * t;
        int d = c / heads;
        s.ensure(m * c, m * f);
        // y = LN2(residual2): d(residual2) -> s.dh1 (it is also d(h1) through the residual)
        outputNorm.backward(be, dy, s.dh1);
        // residual2 = h1 + dropout(W2·a): the FFN branch gets d(residual2) through dropout
        System.arraycopy(s.dh1, 0, s.dBranch, 0, m * c);
        ffnDropout.backward(s.dBranch, m * c);
        ffnOut.backward(be, s.dBranch, s.dFfn, false);   // s.dFfn = d(a) [M, F]
        ffnIn.backward(be, s.dFfn, s.dh1, true);          // d(h1) += d(W1 branch)
        // h1 = LN1(residual1)
        attentionNorm.backward(be, s.dh1, dx);            // dx = d(residual1) = d(x) via residual
        System.arraycopy(dx, 0, s.dBranch, 0, m * c);
        if (attentionOutDropout != null) {
            attentionOutDropout.backward(s.dBranch, m * c);
        }
        attentionOutput.backward(be, s.dBranch, s.dContext, false);
        be.attentionBackward(s.dContext, query.output(), key.output(), value.output(), input.attentionMask(),
                b, t, heads, d, probs, attnMask, s.dq, s.dk, s.dv);
        query.backward(be, s.dq, dx, true);
        key.backward(be, s.dk, dx, true);
        value.backward(be, s.dv, dx, true);
    }

    /** Backward scratch buffers, shared by the layers of one model. */
    public static final class Scratch {
        float[] dh1;
        float[] dBranch;
        float[] dFfn;
        float[] dContext;
        float[] dq;
        float[] dk;
        float[] dv;

        void ensure(int mc, int mf) {
            dh1 = Buffers.ensure(dh1, mc);
            dBranch = Buffers.ensure(dBranch, mc);
            dFfn = Buffers.ensure(dFfn, mf);
            dContext = Buffers.ensure(dContext, mc);
            dq = Buffers.ensure(dq, mc);
            dk = Buffers.ensure(dk, mc);
            dv = Buffers.ensure(dv, mc);
        }
    }
}
