package dev.jbert.engine.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * What a forward pass should hand back besides the last hidden state, for people who
 * look inside the model: every hidden state ([B·T, C] copies; index 0 is the embedding
 * output) and every layer's attention probabilities ([B, H, T, T] copies).
 */
public final class Capture {
    private final boolean hiddenStates;
    private final boolean attentions;
    final List<float[]> hidden = new ArrayList<>();
    final List<float[]> attention = new ArrayList<>();
    float[] pooled;

    public Capture(boolean hiddenStates, boolean attentions) {
        this.hiddenStates = hiddenStates;
        this.attentions = attentions;
    }

    void hidden(float[] h, int n) {
        if (hiddenStates) {
            hidden.add(java.util.Arrays.copyOf(h, n));
        }
    }

    void attention(float[] p, int n) {
        if (attentions) {
            attention.add(java.util.Arrays.copyOf(p, n));
        }
    }

    public List<float[]> hiddenStates() {
        return hidden;
    }

    /** The pooler output [B, C] (BERT) or pre-classifier output (DistilBERT), when a head ran. */
    public float[] pooled() {
        return pooled;
    }

    /** Records a pooler output computed outside a classification head (a bare BERT). */
    public void setPooled(float[] p) {
        this.pooled = p;
    }

    public List<float[]> attentions() {
        return attention;
    }
}
