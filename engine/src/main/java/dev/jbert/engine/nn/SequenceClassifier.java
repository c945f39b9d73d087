package dev.jbert.engine.nn;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.cpu.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BertForSequenceClassification} / {@code DistilBertForSequenceClassification}:
 * <ul>
 *   <li>BERT: pooler {@code tanh(dense(h[CLS]))} → dropout(classifier_dropout or hidden dropout) → classifier</li>
 *   <li>DistilBERT: {@code pre_classifier(h[CLS])} → ReLU → dropout(seq_classif_dropout) → classifier</li>
 * </ul>
 * Logits are [B, L].
 */
public final class SequenceClassifier {
    private final EncoderModel encoder;
    private final ClsDense headDense; // BERT: the encoder's pooler; DistilBERT: pre_classifier
    private final Dropout dropout;
    final Linear classifier;
    private final int labels;
    private float[] dHead;
    private float[] dHeadScratch;
    private float[] logits;
    private int batch;

    public SequenceClassifier(ModelConfig config) {
        this.encoder = new EncoderModel(config);
        this.labels = config.numLabels();
        int c = config.hiddenSize();
        if (config.modelType() == ModelType.BERT) {
            this.headDense = encoder.pooler();
        } else {
            this.headDense = new ClsDense("pre_classifier", c, Activation.RELU);
        }
        this.dropout = new Dropout(config.classifierDropout(), 2);
        this.classifier = new Linear("classifier", c, labels, Activation.NONE);
    }

    public EncoderModel encoder() {
        return encoder;
    }

    public ModelConfig config() {
        return encoder.config();
    }

    public int numLabels() {
        return labels;
    }

    /** Every parameter: encoder (with BERT's pooler), then the head. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(encoder.parameters());
        if (encoder.pooler() == null) {
            ps.addAll(headDense.parameters());
        }
        ps.addAll(classifier.parameters());
        return ps;
    }

    /** The head's own parameters (newly initialised when a checkpoint lacks them). */
    public List<Parameter> headParameters() {
        List<Parameter> ps = new ArrayList<>();
        if (encoder.pooler() == null) {
            ps.addAll(headDense.parameters());
        }
        ps.addAll(classifier.parameters());
        return ps;
    }

    /** logits [B, L] (a model buffer, valid until the next forward). */
    public float[] forward(RunContext ctx, ModelInput in, Capture capture) {
        float[] last = encoder.forward(ctx, in, capture);
        this.batch = in.batch();
        float[] pooled = headDense.forward(ctx.backend(), last, in.batch(), in.seqLen(), ctx.keepForBackward());
        if (capture != null) {
            capture.pooled = java.util.Arrays.copyOf(pooled, in.batch() * encoder.hiddenSize());
        }
        int n = in.batch() * encoder.hiddenSize();
        // dropout must not change the pooler output a caller may inspect: work on a copy
        dHeadScratch = Buffers.ensure(dHeadScratch, n);
        System.arraycopy(pooled, 0, dHeadScratch, 0, n);
        dropout.forward(ctx, dHeadScratch, n);
        logits = classifier.forward(ctx.backend(), dHeadScratch, in.batch(), ctx.keepForBackward());
        return logits;
    }

    /** Backward from dLogits [B, L] (consumed) through the head and the whole encoder. */
    public void backward(RunContext ctx, float[] dLogits) {
        int c = encoder.hiddenSize();
        int n = batch * c;
        dHead = Buffers.ensure(dHead, n);
        classifier.backward(ctx.backend(), dLogits, dHead, false);
        dropout.backward(dHead, n);
        float[] dHidden = encoder.zeroedHiddenGrad();
        headDense.backward(ctx.backend(), dHead, dHidden, dHeadScratch);
        encoder.backward(ctx, dHidden);
    }
}
