package dev.jbert.kernels.model;

import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.OptimizerLayout;
import java.util.function.LongUnaryOperator;

/**
 * Every activation and gradient buffer of one forward and backward pass over a batch of up to
 * maxBatch × maxSeqLen tokens, cut from the model's arena. A smaller batch uses the front of each
 * buffer (rows are contiguous). What the forward pass keeps for backward, per encoder layer: the
 * inputs of every linear layer (the layer input, the attention context, the first LayerNorm's
 * output, the feed-forward activation), the pre-activation of the feed-forward, q, k, v, the
 * attention log-sum-exp, and each LayerNorm's input, mean and rstd. Dropout masks are not kept:
 * the backward pass draws them again from (seed, site, counter) into {@link #dropMask}.
 * Shapes: M = maxBatch·maxSeqLen rows, C hidden, F feed-forward, H heads, L labels.
 */
final class ActivationBuffers {
    /** One encoder layer's saved activations. */
    static final class Layer {
        final long query;      // [M, C]
        final long key;        // [M, C]
        final long value;      // [M, C]
        final long context;    // [M, C] attention output (input of the output projection)
        final long lse;        // [B, H, T] log-sum-exp of each query row's scores
        final long residual1;  // [M, C] x + dropout?(attention projection): LN1 input
        final long mean1;      // [M]
        final long rstd1;      // [M]
        final long h1;         // [M, C] LN1 output: FFN input and second residual
        final long ffnPreact;  // [M, F]
        final long ffnAct;     // [M, F] activation output (input of ffnOut)
        final long residual2;  // [M, C] h1 + dropout(FFN): LN2 input
        final long mean2;      // [M]
        final long rstd2;      // [M]

        Layer(DeviceArena a, long m, long c, long f, long bht) {
            query = a.floats(m * c);
            key = a.floats(m * c);
            value = a.floats(m * c);
            context = a.floats(m * c);
            lse = a.floats(bht);
            residual1 = a.floats(m * c);
            mean1 = a.floats(m);
            rstd1 = a.floats(m);
            h1 = a.floats(m * c);
            ffnPreact = a.floats(m * f);
            ffnAct = a.floats(m * f);
            residual2 = a.floats(m * c);
            mean2 = a.floats(m);
            rstd2 = a.floats(m);
        }
    }

    // the batch
    final long inputIds;       // int [M]
    final long tokenTypeIds;   // int [M]
    final long keyMask;        // float [M]
    // embeddings
    final long embeddingSum;   // [M, C] word + type + position: LayerNorm input
    final long embeddingMean;  // [M]
    final long embeddingRstd;  // [M]
    /** hidden[0]: embedding output; hidden[l + 1]: output of layer l. Each [M, C]. */
    final long[] hidden;
    final Layer[] layers;
    // head
    final long cls;            // [B, C] each row's first token
    final long headPreact;     // [B, C]
    final long headOut;        // [B, C] pooler / pre-classifier output
    final long headDropped;    // [B, C] dropout(headOut): classifier input in training
    final long logits;         // [B, L]
    // backward
    final long dLogits;        // [B, L]
    final long dHead;          // [B, C]
    final long dCls;           // [B, C]
    final long gradA;          // [M, C]
    final long gradB;          // [M, C]
    final long dh1;            // [M, C]
    final long dBranch;        // [M, C]
    final long dFfn;           // [M, F]
    final long dContext;       // [M, C]
    final long dq;             // [M, C]
    final long dk;             // [M, C]
    final long dv;             // [M, C]
    final long delta;          // [B, H, T]
    final long dropMask;       // [M, C] a dropout mask drawn again for backward
    // workspaces
    final long partial;        // split-K / slab partial sums, floats
    final long normPartial;    // doubles [numChunks]
    final long normAndCoef;    // floats [2]: global gradient norm, clip coefficient

    ActivationBuffers(DeviceArena a, int maxBatch, int maxSeqLen, int c, int f, int heads, int labels,
                      int numLayers, int typeVocab, OptimizerLayout optimizer) {
        long b = maxBatch;
        long m = b * maxSeqLen;
        long bht = b * heads * maxSeqLen;
        inputIds = a.floats(m);
        tokenTypeIds = a.floats(m);
        keyMask = a.floats(m);
        embeddingSum = a.floats(m * c);
        embeddingMean = a.floats(m);
        embeddingRstd = a.floats(m);
        hidden = new long[numLayers + 1];
        for (int i = 0; i <= numLayers; i++) {
            hidden[i] = a.floats(m * c);
        }
        layers = new Layer[numLayers];
        for (int i = 0; i < numLayers; i++) {
            layers[i] = new Layer(a, m, c, f, bht);
        }
        cls = a.floats(b * c);
        headPreact = a.floats(b * c);
        headOut = a.floats(b * c);
        headDropped = a.floats(b * c);
        logits = a.floats(b * labels);
        dLogits = a.floats(b * labels);
        dHead = a.floats(b * c);
        dCls = a.floats(b * c);
        gradA = a.floats(m * c);
        gradB = a.floats(m * c);
        dh1 = a.floats(m * c);
        dBranch = a.floats(m * c);
        dFfn = a.floats(m * f);
        dContext = a.floats(m * c);
        dq = a.floats(m * c);
        dk = a.floats(m * c);
        dv = a.floats(m * c);
        delta = a.floats(bht);
        dropMask = a.floats(m * c);
        partial = a.floats(partialFloats((int) m, maxBatch, c, f, labels, typeVocab));
        normPartial = a.doubles(optimizer.numChunks());
        normAndCoef = a.floats(2);
    }

    /**
     * The largest workspace any two-stage reduction of a pass needs, over every row count a
     * batch can have (the kernels pick their split counts from the sizes).
     */
    private static long partialFloats(int maxRows, int maxBatch, int c, int f, int labels, int typeVocab) {
        long need = 0;
        need = Math.max(need, maxOver(maxRows, m -> Math.max(Math.max(
                GpuKernels.weightPartialFloats((int) m, c, c),
                GpuKernels.weightPartialFloats((int) m, f, c)),
                GpuKernels.weightPartialFloats((int) m, c, f))));
        need = Math.max(need, maxOver(maxRows, m -> Math.max(Math.max(
                GpuKernels.biasPartialFloats((int) m, c), GpuKernels.biasPartialFloats((int) m, f)),
                GpuKernels.layerNormPartialFloats((int) m, c))));
        if (typeVocab > 0) {
            need = Math.max(need, maxOver(maxRows, m -> GpuKernels.typePartialFloats((int) m, c, typeVocab)));
        }
        need = Math.max(need, maxOver(maxBatch, m -> Math.max(Math.max(
                GpuKernels.weightPartialFloats((int) m, c, c), GpuKernels.weightPartialFloats((int) m, labels, c)),
                Math.max(GpuKernels.biasPartialFloats((int) m, c), GpuKernels.biasPartialFloats((int) m, labels)))));
        return need;
    }

    private static long maxOver(int rows, LongUnaryOperator floats) {
        long max = 0;
        for (long m = 1; m <= rows; m++) {
            max = Math.max(max, floats.applyAsLong(m));
        }
        return max;
    }
}
