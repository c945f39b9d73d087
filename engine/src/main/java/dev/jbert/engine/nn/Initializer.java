package dev.jbert.engine.nn;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Hugging Face's {@code _init_weights} for BERT/DistilBERT: linear weights and embeddings from
 * normal(0, initializer_range), biases 0, LayerNorm weight 1 and bias 0, the padding row of the
 * word embeddings 0. Constants (a sinusoidal position table) are left as they are.
 * Seeded: the same seed gives the same weights (not PyTorch's stream).
 */
public final class Initializer {
    private Initializer() {
    }

    public static void initialize(List<Parameter> params, double std, int padId, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Parameter p : params) {
            SplittableRandom rnd = root.split();
            if (!p.trainable()) {
                continue;
            }
            String n = p.name();
            float[] d = p.data();
            boolean norm = n.contains("LayerNorm") || n.contains("layer_norm");
            if (norm) {
                java.util.Arrays.fill(d, n.endsWith(".weight") ? 1f : 0f);
            } else if (n.endsWith(".bias")) {
                java.util.Arrays.fill(d, 0f);
            } else {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (gaussian(rnd) * std);
                }
                if (n.endsWith("word_embeddings.weight") && padId >= 0) {
                    int c = p.shape()[1];
                    if ((long) padId * c < d.length) {
                        java.util.Arrays.fill(d, padId * c, padId * c + c, 0f);
                    }
                }
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Marsaglia polar method
        double u;
        double v;
        double s;
        do {
            u = r.nextDouble() * 2 - 1;
            v = r.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
