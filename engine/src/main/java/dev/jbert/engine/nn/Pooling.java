package dev.jbert.engine.nn;

/** Sentence embeddings from a last hidden state [B·T, C]. */
public final class Pooling {
    private Pooling() {
    }

    /** How token vectors become one sentence vector. */
    public enum Mode {
        /** Mean over the tokens whose attention mask is 1 (sentence-transformers' default). */
        MEAN,
        /** The first token's vector ([CLS]). */
        CLS
    }

    /** Returns [B, C]; with {@code normalize}, each row is divided by its L2 norm (at least 1e-12, as torch's F.normalize). */
    public static float[] pool(float[] hidden, ModelInput in, int c, Mode mode, boolean normalize) {
        int b = in.batch();
        int t = in.seqLen();
        float[] mask = in.attentionMask();
        float[] out = new float[b * c];
        double[] acc = new double[c];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(acc, 0);
            if (mode == Mode.CLS) {
                for (int j = 0; j < c; j++) {
                    acc[j] = hidden[i * t * c + j];
                }
            } else {
                double count = 0;
                for (int s = 0; s < t; s++) {
                    float w = mask[i * t + s];
                    if (w == 0f) {
                        continue;
                    }
                    count += w;
                    int o = (i * t + s) * c;
                    for (int j = 0; j < c; j++) {
                        acc[j] += w * hidden[o + j];
                    }
                }
                count = Math.max(count, 1e-9); // sentence-transformers clamps the count at 1e-9
                for (int j = 0; j < c; j++) {
                    acc[j] /= count;
                }
            }
            double norm = 1;
            if (normalize) {
                double sq = 0;
                for (int j = 0; j < c; j++) {
                    sq += acc[j] * acc[j];
                }
                norm = Math.max(Math.sqrt(sq), 1e-12);
            }
            for (int j = 0; j < c; j++) {
                out[i * c + j] = (float) (acc[j] / norm);
            }
        }
        return out;
    }
}
