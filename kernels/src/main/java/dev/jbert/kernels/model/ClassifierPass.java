package dev.jbert.kernels.model;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.cpu.Activation;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;

/**
 * The forward and backward pass of a sequence classifier on the device, layer by layer as the CPU
 * engine computes it ({@code Embeddings}, {@code EncoderLayer}, {@code ClsDense},
 * {@code SequenceClassifier}): the same operations in the same order, with the same dropout masks
 * (see {@link DropoutSites}). Every linear layer's products run in the model's {@link Precision};
 * so do the attention's products under {@link Precision#BF16} (the bf16 tensor-core attention
 * kernels: q, k, v, probabilities and dS rounded to bf16, softmax and accumulation in float32),
 * while {@link Precision#TF32} keeps the float32 attention (there is no tf32 attention kernel);
 * everything else in float32.
 *
 * <pre>
 *   x0      = dropout(LN(word[ids] + type[types] + pos))                         // [B·T, C]
 *   layer i:  q, k, v = x·Wqᵀ + bq, x·Wkᵀ + bk, x·Wvᵀ + bv
 *             ctx     = attention(q, k, v, keyMask)  (dropout on the probabilities)
 *             h1      = LN1(x + dropout?(ctx·Woᵀ + bo))         // BERT drops here, DistilBERT not
 *             y       = LN2(h1 + dropout(act(h1·W1ᵀ + b1)·W2ᵀ + b2))
 *   head:     pooled  = act(y[CLS]·Wdᵀ + bd)   BERT pooler: tanh; DistilBERT pre_classifier: ReLU
 *             logits  = dropout(pooled)·Wcᵀ + bc                                  // [B, L]
 * </pre>
 */
final class ClassifierPass {
    private final Device device;
    private final GpuKernels k;
    private final Precision precision;
    private final DeviceParameters params;
    private final ClassifierParts parts;
    private final ActivationBuffers buf;
    private final DropoutSites sites;
    private final int c;
    private final int f;
    private final int heads;
    private final int headSize;
    private final int labels;
    private final int typeVocab;
    private final int padId;
    private final float eps;
    private final Activation ffnAct;
    private final Activation headAct;

    // the last forward pass, which backward differentiates
    private boolean ready;
    private int batch;
    private int seqLen;
    private boolean training;
    private long seed;
    private long counter;
    private boolean typesSent;
    private long classifierInput;

    ClassifierPass(Device device, GpuKernels kernels, Precision precision, ModelConfig config, DeviceParameters params,
                   ClassifierParts parts, ActivationBuffers buf) {
        this.device = device;
        this.k = kernels;
        this.precision = precision;
        this.params = params;
        this.parts = parts;
        this.buf = buf;
        this.sites = new DropoutSites(config);
        this.c = config.hiddenSize();
        this.f = config.intermediateSize();
        this.heads = config.numHeads();
        this.headSize = config.headSize();
        this.labels = config.numLabels();
        this.typeVocab = parts.tokenType() == null ? 0 : config.typeVocabSize();
        this.padId = config.padTokenId();
        this.eps = (float) config.layerNormEps();
        this.ffnAct = Activation.valueOf(config.hiddenAct().name());
        this.headAct = config.modelType() == ModelType.BERT ? Activation.TANH : Activation.RELU;
    }

    /** Runs the batch already uploaded (B × T, token types sent or not); leaves logits [B, L] in {@code buf.logits}. */
    void forward(int b, int t, boolean typesSent, boolean training, long seed, long counter) {
        this.batch = b;
        this.seqLen = t;
        this.typesSent = typesSent;
        this.training = training;
        this.seed = seed;
        this.counter = counter;
        int m = b * t;
        int mc = m * c;
        // embeddings: LN(word + type + position), dropout
        k.embeddingForward(buf.inputIds, typesSent ? buf.tokenTypeIds : 0, value(parts.word()),
                value(parts.position()), parts.tokenType() == null ? 0 : value(parts.tokenType()),
                buf.embeddingSum, b, t, c);
        k.layerNormForward(buf.embeddingSum, value(parts.embeddingNormGamma()), value(parts.embeddingNormBeta()),
                buf.hidden[0], buf.embeddingMean, buf.embeddingRstd, m, c, eps);
        dropoutForward(buf.hidden[0], mc, DropoutSites.EMBEDDINGS, sites.hidden);
        for (int i = 0; i < buf.layers.length; i++) {
            layerForward(i, buf.hidden[i], buf.hidden[i + 1], m, mc);
        }
        // head: each row's [CLS] → dense + activation → dropout → classifier
        long last = buf.hidden[buf.layers.length];
        for (int r = 0; r < b; r++) {
            device.copy(buf.cls + 4L * r * c, last + 4L * r * t * c, 4L * c);
        }
        linearForward(buf.cls, parts.headWeight(), parts.headBias(), buf.headPreact, buf.headOut, b, c, c, headAct);
        double pHead = DropoutSites.active(training, sites.head);
        classifierInput = buf.headOut;
        if (pHead > 0) {
            k.dropoutForward(buf.headOut, buf.headDropped, 0, b * c, seed, DropoutSites.HEAD, counter, pHead);
            classifierInput = buf.headDropped;
        }
        linearForward(classifierInput, parts.classifierWeight(), parts.classifierBias(), 0, buf.logits, b, labels, c,
                Activation.NONE);
        ready = true;
    }

    private void layerForward(int i, long x, long y, int m, int mc) {
        ActivationBuffers.Layer a = buf.layers[i];
        ClassifierParts.Layer p = parts.layers()[i];
        linearForward(x, p.queryWeight(), p.queryBias(), 0, a.query, m, c, c, Activation.NONE);
        linearForward(x, p.keyWeight(), p.keyBias(), 0, a.key, m, c, c, Activation.NONE);
        linearForward(x, p.valueWeight(), p.valueBias(), 0, a.value, m, c, c, Activation.NONE);
        k.attentionForward(precision, a.query, a.key, a.value, buf.keyMask, a.context, a.lse, 0, batch, seqLen,
                heads, headSize, c, seed, DropoutSites.attentionProbs(i), counter, DropoutSites.active(training, sites.attention));
        linearForward(a.context, p.attentionOutputWeight(), p.attentionOutputBias(), 0, a.residual1, m, c, c,
                Activation.NONE);
        if (sites.attentionOutputDropout) {
            dropoutForward(a.residual1, mc, DropoutSites.attentionOutput(i), sites.hidden);
        }
        k.residualAdd(x, a.residual1, a.residual1, mc);
        k.layerNormForward(a.residual1, value(p.attentionNormGamma()), value(p.attentionNormBeta()), a.h1, a.mean1,
                a.rstd1, m, c, eps);
        linearForward(a.h1, p.ffnInWeight(), p.ffnInBias(), ffnAct == Activation.NONE ? 0 : a.ffnPreact, a.ffnAct,
                m, f, c, ffnAct);
        linearForward(a.ffnAct, p.ffnOutWeight(), p.ffnOutBias(), 0, a.residual2, m, c, f, Activation.NONE);
        dropoutForward(a.residual2, mc, DropoutSites.ffnOutput(i), sites.hidden);
        k.residualAdd(a.h1, a.residual2, a.residual2, mc);
        k.layerNormForward(a.residual2, value(p.outputNormGamma()), value(p.outputNormBeta()), y, a.mean2, a.rstd2,
                m, c, eps);
    }

    /** Backward from dLogits [B, L] already in {@code buf.dLogits}; parameter gradients accumulate. */
    void backward() {
        if (!ready) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        int b = batch;
        int m = b * seqLen;
        int mc = m * c;
        // classifier, head dropout, head dense
        linearBackward(buf.dLogits, classifierInput, parts.classifierWeight(), parts.classifierBias(), buf.dHead, false,
                b, labels, c, 0, Activation.NONE);
        dropoutBackward(buf.dHead, b * c, DropoutSites.HEAD, sites.head);
        linearBackward(buf.dHead, buf.cls, parts.headWeight(), parts.headBias(), buf.dCls, false, b, c, c,
                buf.headPreact, headAct);
        // d(last hidden): zero but for each row's [CLS]
        long dy = buf.gradB;
        device.zero(dy, 4L * mc);
        for (int r = 0; r < b; r++) {
            device.copy(dy + 4L * r * seqLen * c, buf.dCls + 4L * r * c, 4L * c);
        }
        for (int i = buf.layers.length - 1; i >= 0; i--) {
            long dx = dy == buf.gradA ? buf.gradB : buf.gradA;
            layerBackward(i, buf.hidden[i], dy, dx, m, mc);
            dy = dx;
        }
        // embeddings: dropout, LayerNorm, then the tables
        long dsum = dy == buf.gradA ? buf.gradB : buf.gradA;
        dropoutBackward(dy, mc, DropoutSites.EMBEDDINGS, sites.hidden);
        k.layerNormBackward(dy, buf.embeddingSum, value(parts.embeddingNormGamma()), buf.embeddingMean,
                buf.embeddingRstd, dsum, grad(parts.embeddingNormGamma()), grad(parts.embeddingNormBeta()), buf.partial,
                m, c);
        if (parts.word().trainable()) {
            k.embeddingBackwardWord(buf.inputIds, dsum, grad(parts.word()), m, c, padId);
        }
        if (parts.position().trainable()) {
            k.embeddingBackwardPosition(dsum, grad(parts.position()), b, seqLen, c);
        }
        if (parts.tokenType() != null && parts.tokenType().trainable()) {
            k.embeddingBackwardType(typesSent ? buf.tokenTypeIds : 0, dsum, grad(parts.tokenType()), buf.partial, m, c,
                    typeVocab);
        }
    }

    /** dy [M, C] (consumed) → dx [M, C] (overwritten), as {@code EncoderLayer.backward}. */
    private void layerBackward(int i, long x, long dy, long dx, int m, int mc) {
        ActivationBuffers.Layer a = buf.layers[i];
        ClassifierParts.Layer p = parts.layers()[i];
        // y = LN2(residual2): d(residual2) → dh1, which is also d(h1) through the residual
        k.layerNormBackward(dy, a.residual2, value(p.outputNormGamma()), a.mean2, a.rstd2, buf.dh1,
                grad(p.outputNormGamma()), grad(p.outputNormBeta()), buf.partial, m, c);
        // the FFN branch gets d(residual2) through its dropout
        long dBranch = dropoutBackward(buf.dh1, buf.dBranch, mc, DropoutSites.ffnOutput(i), sites.hidden);
        linearBackward(dBranch, a.ffnAct, p.ffnOutWeight(), p.ffnOutBias(), buf.dFfn, false, m, c, f, 0,
                Activation.NONE);
        linearBackward(buf.dFfn, a.h1, p.ffnInWeight(), p.ffnInBias(), buf.dh1, true, m, f, c, a.ffnPreact, ffnAct);
        // h1 = LN1(residual1): dx = d(residual1) = d(x) through the residual
        k.layerNormBackward(buf.dh1, a.residual1, value(p.attentionNormGamma()), a.mean1, a.rstd1, dx,
                grad(p.attentionNormGamma()), grad(p.attentionNormBeta()), buf.partial, m, c);
        long dProj = sites.attentionOutputDropout
                ? dropoutBackward(dx, buf.dBranch, mc, DropoutSites.attentionOutput(i), sites.hidden)
                : dx;
        linearBackward(dProj, a.context, p.attentionOutputWeight(), p.attentionOutputBias(), buf.dContext, false,
                m, c, c, 0, Activation.NONE);
        k.attentionBackward(precision, buf.dContext, a.query, a.key, a.value, buf.keyMask, a.context, a.lse,
                buf.delta, buf.dq, buf.dk, buf.dv, batch, seqLen, heads, headSize, c, seed,
                DropoutSites.attentionProbs(i), counter, DropoutSites.active(training, sites.attention));
        linearBackward(buf.dq, x, p.queryWeight(), p.queryBias(), dx, true, m, c, c, 0, Activation.NONE);
        linearBackward(buf.dk, x, p.keyWeight(), p.keyBias(), dx, true, m, c, c, 0, Activation.NONE);
        linearBackward(buf.dv, x, p.valueWeight(), p.valueBias(), dx, true, m, c, c, 0, Activation.NONE);
    }

    // ---------------------------------------------------------------- building blocks

    private long value(Parameter p) {
        return params.value(p);
    }

    private long grad(Parameter p) {
        return params.grad(p);
    }

    /** out[M, N] = act(x[M, K]·Wᵀ + b), as {@code Linear.forward}. */
    private void linearForward(long x, Parameter w, Parameter bias,
                               long preact, long out, int m, int n, int kk, Activation act) {
        k.linearForward(precision, x, value(w), value(bias), act == Activation.NONE ? 0 : preact, out, m, n, kk, act);
    }

    /**
     * As {@code Linear.backward}: dy [M, N] becomes the pre-activation gradient in place (when
     * there is an activation), then dx [M, K] = dy·W (or +=), dW += dyᵀ·x, db += Σ dy.
     */
    private void linearBackward(long dy, long x, Parameter w, Parameter bias,
                                long dx, boolean accumulate, int m, int n, int kk, long preact, Activation act) {
        if (act != Activation.NONE) {
            k.activationBackward(preact, dy, dy, m * n, act);
        }
        k.linearBackwardInput(precision, dy, value(w), dx, m, n, kk, accumulate);
        if (w.trainable()) {
            k.linearBackwardWeight(precision, dy, x, grad(w), buf.partial, m, n, kk);
        }
        if (bias.trainable()) {
            k.biasGrad(dy, grad(bias), buf.partial, m, n);
        }
    }

    private void dropoutForward(long x, int n, int site, float p) {
        double pp = DropoutSites.active(training, p);
        if (pp > 0) {
            k.dropoutForward(x, x, 0, n, seed, site, counter, pp);
        }
    }

    /** dy ⊙ mask of the forward pass (drawn again) in place. */
    private void dropoutBackward(long dy, int n, int site, float p) {
        dropoutBackward(dy, dy, n, site, p);
    }

    /** dy ⊙ mask into {@code out} and returns it; returns dy itself when the site was inactive. */
    private long dropoutBackward(long dy, long out, int n, int site, float p) {
        double pp = DropoutSites.active(training, p);
        if (!(pp > 0)) {
            return dy;
        }
        k.dropoutMask(buf.dropMask, n, seed, site, counter, pp);
        k.dropoutBackward(dy, buf.dropMask, out, n);
        return out;
    }
}
