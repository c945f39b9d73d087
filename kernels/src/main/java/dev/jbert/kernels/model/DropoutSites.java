package dev.jbert.kernels.model;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;

/**
 * The model's dropout sites as the CPU layers number them, so that the device draws the very same
 * masks: a mask is a pure function of (seed, site, counter) ({@code DropoutRng.fillMask}), and
 * each {@code nn.Dropout} holds its site and its probability as a float. The numbering is the one
 * {@code EncoderModel} and {@code SequenceClassifier} give their layers:
 * <ul>
 *   <li>1: the embedding output (hidden dropout);</li>
 *   <li>2: the classification head, after the pooler / pre-classifier (classifier dropout);</li>
 *   <li>16·(i+1): layer i's attention probabilities (attention dropout);</li>
 *   <li>16·(i+1) + 1: layer i's attention projection, BERT only (hidden dropout);</li>
 *   <li>16·(i+1) + 2: layer i's feed-forward output (hidden dropout).</li>
 * </ul>
 */
final class DropoutSites {
    static final int EMBEDDINGS = 1;
    static final int HEAD = 2;

    final float hidden;
    final float attention;
    final float head;
    final boolean attentionOutputDropout;

    DropoutSites(ModelConfig config) {
        // nn.Dropout keeps p as a float and passes it widened to double to DropoutRng
        this.hidden = (float) config.hiddenDropoutProb();
        this.attention = (float) config.attentionProbsDropoutProb();
        this.head = (float) config.classifierDropout();
        this.attentionOutputDropout = config.modelType() == ModelType.BERT;
    }

    static int attentionProbs(int layer) {
        return 16 * (layer + 1);
    }

    static int attentionOutput(int layer) {
        return 16 * (layer + 1) + 1;
    }

    static int ffnOutput(int layer) {
        return 16 * (layer + 1) + 2;
    }

    /** The probability a site applies in this pass: its own in training, 0 (off) in evaluation. */
    static double active(boolean training, float p) {
        return training && p > 0 ? p : 0.0;
    }
}
