package dev.jbert.engine.nn;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.cpu.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder of BERT or DistilBERT: embeddings, N post-LN layers, and (BERT) the pooler.
 * Parameters carry Hugging Face's names with the {@code bert.} / {@code distilbert.} prefix.
 */
public final class EncoderModel {
    private final ModelConfig config;
    private final String prefix;
    final Embeddings embeddings;
    final EncoderLayer[] layers;
    final ClsDense pooler; // BERT only
    private final EncoderLayer.Scratch scratch = new EncoderLayer.Scratch();
    private final int c;

    private ModelInput input;
    private float[] gradA;
    private float[] gradB;
    private float[] dEmbeddingOutput;

    public EncoderModel(ModelConfig config) {
        this.config = config;
        boolean bert = config.modelType() == ModelType.BERT;
        this.prefix = bert ? "bert" : "distilbert";
        this.c = config.hiddenSize();
        float eps = (float) config.layerNormEps();
        this.embeddings = new Embeddings(prefix + ".embeddings", config.vocabSize(), config.maxPositionEmbeddings(),
                bert ? config.typeVocabSize() : 0, c, eps, config.padTokenId(), config.sinusoidalPosEmbds(),
                config.hiddenDropoutProb(), 1);
        this.layers = new EncoderLayer[config.numLayers()];
        Activation act = Activation.valueOf(config.hiddenAct().name());
        for (int i = 0; i < layers.length; i++) {
            String p = prefix + (bert ? ".encoder.layer." : ".transformer.layer.") + i + ".";
            layers[i] = new EncoderLayer(p, bert ? LayerNames.BERT : LayerNames.DISTILBERT, c, config.numHeads(),
                    config.intermediateSize(), act, eps, config.hiddenDropoutProb(),
                    config.attentionProbsDropoutProb(), bert, 16L * (i + 1));
        }
        this.pooler = bert ? new ClsDense(prefix + ".pooler.dense", c, Activation.TANH) : null;
    }

    public ModelConfig config() {
        return config;
    }

    /** {@code bert} or {@code distilbert}: the state-dict prefix of the base model. */
    public String prefix() {
        return prefix;
    }

    public int hiddenSize() {
        return c;
    }

    public int numLayers() {
        return layers.length;
    }

    public EncoderLayer layer(int i) {
        return layers[i];
    }

    public ClsDense pooler() {
        return pooler;
    }

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(embeddings.parameters());
        for (EncoderLayer l : layers) {
            ps.addAll(l.parameters());
        }
        if (pooler != null) {
            ps.addAll(pooler.parameters());
        }
        return ps;
    }

    /** Runs embeddings and every layer; returns the last hidden state [B·T, C] (a model buffer). */
    public float[] forward(RunContext ctx, ModelInput in, Capture capture) {
        this.input = in;
        int m = in.batch() * in.seqLen();
        int heads = config.numHeads();
        float[] h = embeddings.forward(ctx, in);
        if (capture != null) {
            capture.hidden(h, m * c);
        }
        for (EncoderLayer layer : layers) {
            h = layer.forward(ctx, in, h);
            if (capture != null) {
                capture.attention(layer.attentionProbs(), in.batch() * heads * in.seqLen() * in.seqLen());
                capture.hidden(h, m * c);
            }
        }
        return h;
    }

    /** Pooler output [B, C] (tanh(dense([CLS]))) of the last forward pass; BERT only. */
    public float[] pool(RunContext ctx, float[] lastHidden) {
        if (pooler == null) {
            throw new IllegalStateException("a DistilBERT model has no pooler");
        }
        return pooler.forward(ctx.backend(), lastHidden, input.batch(), input.seqLen(), ctx.keepForBackward());
    }

    /**
     * Backward from d(last hidden state) [B·T, C] (consumed) through every layer and the
     * embeddings; parameter gradients accumulate.
     */
    public void backward(RunContext ctx, float[] dLast) {
        int m = input.batch() * input.seqLen();
        gradA = Buffers.ensure(gradA, m * c);
        gradB = Buffers.ensure(gradB, m * c);
        float[] dy = dLast;
        for (int i = layers.length - 1; i >= 0; i--) {
            float[] dx = dy == gradA ? gradB : gradA;
            layers[i].backward(ctx, dy, dx, scratch);
            dy = dx;
        }
        dEmbeddingOutput = Buffers.ensure(dEmbeddingOutput, m * c);
        System.arraycopy(dy, 0, dEmbeddingOutput, 0, m * c);
        float[] tmp = dy == gradA ? gradB : gradA;
        embeddings.backward(ctx, dy, tmp);
    }

    /** d(loss)/d(embedding output) of the last backward pass, [B·T, C] (valid prefix). */
    public float[] embeddingOutputGrad() {
        return dEmbeddingOutput;
    }

    /** Buffer for a head to write d(last hidden) into, [B·T, C], zeroed. */
    float[] zeroedHiddenGrad() {
        int m = input.batch() * input.seqLen();
        float[] g = gradB = Buffers.ensure(gradB, m * c);
        java.util.Arrays.fill(g, 0, m * c, 0f);
        return g;
    }

    ModelInput lastInput() {
        return input;
    }
}
