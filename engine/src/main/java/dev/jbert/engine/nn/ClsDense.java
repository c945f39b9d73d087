package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.cpu.Activation;
import java.util.List;

/**
 * A dense layer with an activation applied to each row's first token ([CLS]):
 * BERT's pooler ({@code tanh}) and DistilBERT's {@code pre_classifier} (ReLU).
 */
public final class ClsDense {
    final Linear dense;
    private final int c;
    private float[] cls; // [B, C]
    private int batch;
    private int seqLen;

    public ClsDense(String prefix, int c, Activation act) {
        this.c = c;
        this.dense = new Linear(prefix, c, c, act);
    }

    public List<Parameter> parameters() {
        return dense.parameters();
    }

    /** hidden [B·T, C] → [B, C] (this layer's output buffer). */
    public float[] forward(Backend be, float[] hidden, int b, int t, boolean keep) {
        this.batch = b;
        this.seqLen = t;
        cls = Buffers.ensure(cls, b * c);
        for (int i = 0; i < b; i++) {
            System.arraycopy(hidden, i * t * c, cls, i * c, c);
        }
        return dense.forward(be, cls, b, keep);
    }

    /** dOut [B, C] (consumed) → adds into dHidden [B·T, C] at each row's first token. */
    public void backward(Backend be, float[] dOut, float[] dHidden, float[] scratch) {
        dense.backward(be, dOut, scratch, false);
        for (int i = 0; i < batch; i++) {
            int o = i * seqLen * c;
            for (int j = 0; j < c; j++) {
                dHidden[o + j] += scratch[i * c + j];
            }
        }
    }
}
