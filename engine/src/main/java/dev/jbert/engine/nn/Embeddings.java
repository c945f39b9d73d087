package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * word + position (+ token type) embeddings, then LayerNorm and dropout.
 * BERT: learned positions and token types. DistilBERT: no token types; positions learned or a
 * fixed sinusoidal table (a constant: no gradient, no decay).
 * The word embeddings' {@code padId} row gets no gradient (PyTorch's {@code padding_idx}).
 */
public final class Embeddings {
    final Parameter word;      // [V, C]
    final Parameter position;  // [P, C]
    final Parameter tokenType; // [types, C] or null
    final LayerNorm norm;
    final Dropout dropout;
    private final int c;
    private final int padId;

    private ModelInput input;
    private float[] sum; // [M, C] before LayerNorm

    public Embeddings(String prefix, int vocab, int maxPositions, int typeVocab, int c, float eps,
                      int padId, boolean sinusoidal, double dropoutP, long dropoutSite) {
        this.c = c;
        this.padId = padId;
        this.word = Parameter.weight(prefix + ".word_embeddings.weight", vocab, c);
        this.position = sinusoidal
                ? Parameter.constant(prefix + ".position_embeddings.weight", maxPositions, c)
                : Parameter.weight(prefix + ".position_embeddings.weight", maxPositions, c);
        if (sinusoidal) {
            fillSinusoidal(position.data(), maxPositions, c);
        }
        this.tokenType = typeVocab > 0 ? Parameter.weight(prefix + ".token_type_embeddings.weight", typeVocab, c) : null;
        this.norm = new LayerNorm(prefix + ".LayerNorm", c, eps);
        this.dropout = new Dropout(dropoutP, dropoutSite);
    }

    /** HF's create_sinusoidal_embeddings: sin on even columns, cos on odd, computed in double. */
    static void fillSinusoidal(float[] table, int positions, int dim) {
        for (int pos = 0; pos < positions; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                table[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
    }

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        ps.add(word);
        ps.add(position);
        if (tokenType != null) {
            ps.add(tokenType);
        }
        ps.addAll(norm.parameters());
        return ps;
    }

    int vocabSize() {
        return word.shape()[0];
    }

    int maxPositions() {
        return position.shape()[0];
    }

    /** Returns the embedding output [B·T, C] (after LayerNorm and dropout). */
    public float[] forward(RunContext ctx, ModelInput in) {
        Backend be = ctx.backend();
        int b = in.batch();
        int t = in.seqLen();
        int m = b * t;
        validate(in);
        this.input = in;
        sum = Buffers.ensure(sum, m * c);
        float[] w = word.data();
        float[] p = position.data();
        float[] tt = tokenType == null ? null : tokenType.data();
        int[] ids = in.inputIds();
        int[] types = in.tokenTypeIds();
        for (int r = 0; r < m; r++) {
            int wo = ids[r] * c;
            int po = (r % t) * c;
            int o = r * c;
            if (tt != null) {
                int to = (types == null ? 0 : types[r]) * c;
                for (int j = 0; j < c; j++) {
                    sum[o + j] = (w[wo + j] + tt[to + j]) + p[po + j]; // HF's order
                }
            } else {
                for (int j = 0; j < c; j++) {
                    sum[o + j] = w[wo + j] + p[po + j];
                }
            }
        }
        float[] out = norm.forward(be, sum, m, ctx.keepForBackward());
        dropout.forward(ctx, out, m * c);
        return out;
    }

    private void validate(ModelInput in) {
        int t = in.seqLen();
        if (t > maxPositions()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + maxPositions());
        }
        int v = vocabSize();
        int[] ids = in.inputIds();
        for (int r = 0; r < ids.length; r++) {
            if (ids[r] < 0 || ids[r] >= v) {
                throw new IllegalArgumentException("input_ids[" + (r / t) + "][" + (r % t) + "] = " + ids[r]
                        + " is outside the vocabulary [0, " + v + ")");
            }
        }
        int[] types = in.tokenTypeIds();
        if (types != null) {
            int nt = tokenType == null ? 1 : tokenType.shape()[0];
            for (int r = 0; r < types.length; r++) {
                if (types[r] < 0 || types[r] >= nt) {
                    throw new IllegalArgumentException("token_type_ids[" + (r / t) + "][" + (r % t) + "] = "
                            + types[r] + " is outside [0, " + nt + ")"
                            + (tokenType == null ? " (this model has no token types)" : ""));
                }
            }
        }
    }

    /** Backward from d(embedding output) [B·T, C]: scatter-adds into the tables. dOut is consumed. */
    public void backward(RunContext ctx, float[] dOut, float[] scratch) {
        Backend be = ctx.backend();
        int b = input.batch();
        int t = input.seqLen();
        int m = b * t;
        dropout.backward(dOut, m * c);
        norm.backward(be, dOut, scratch); // scratch = d(sum) [M, C]
        int[] ids = input.inputIds();
        int[] types = input.tokenTypeIds();
        float[] dw = word.trainable() ? word.grad().data() : null;
        float[] dp = position.trainable() ? position.grad().data() : null;
        float[] dt = tokenType != null && tokenType.trainable() ? tokenType.grad().data() : null;
        for (int r = 0; r < m; r++) {
            int o = r * c;
            if (dw != null && ids[r] != padId) {
                int wo = ids[r] * c;
                for (int j = 0; j < c; j++) {
                    dw[wo + j] += scratch[o + j];
                }
            }
            if (dp != null) {
                int po = (r % t) * c;
                for (int j = 0; j < c; j++) {
                    dp[po + j] += scratch[o + j];
                }
            }
            if (dt != null) {
                int to = (types == null ? 0 : types[r]) * c;
                for (int j = 0; j < c; j++) {
                    dt[to + j] += scratch[o + j];
                }
            }
        }
    }
}
