package dev.jbert.kernels.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jbert.engine.config.Activation;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelConfigBuilder;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.Labels;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small BERT and DistilBERT classifiers with seeded random weights, a padded batch and labels,
 * and the comparisons the device-model tests make against the CPU engine. Head size 32 (hidden
 * 64, 2 heads), 2 layers, FFN 128, vocabulary 100, 32 positions: big enough to exercise every
 * kernel's edges (B·T = 33 rows is not a multiple of any tile), small enough for the emulator.
 */
final class TinyModels {
    static final int B = 3;
    static final int T = 11;
    static final int VOCAB = 100;
    static final int MAX_POSITIONS = 32;

    private TinyModels() {
    }

    /** Every dropout at 0.1 (DistilBERT's head 0.2), so training mode draws masks at every site. */
    static ModelConfig config(ModelType type, ProblemType problem, boolean sinusoidal, int hidden, int heads) {
        int labels = problem == ProblemType.REGRESSION ? 1 : 3;
        ModelConfigBuilder b = ModelConfig.builder(type).vocabSize(VOCAB).hiddenSize(hidden).numLayers(2)
                .numHeads(heads).intermediateSize(2 * hidden).hiddenAct(Activation.GELU)
                .maxPositionEmbeddings(MAX_POSITIONS).numLabels(labels).problemType(problem).dropout(0.1);
        if (type == ModelType.DISTILBERT) {
            b.sinusoidalPosEmbds(sinusoidal).classifierDropout(0.2);
        }
        return b.build();
    }

    static ModelConfig config(ModelType type, ProblemType problem, boolean sinusoidal) {
        return config(type, problem, sinusoidal, 64, 2);
    }

    /**
     * A classifier with weights ~ N(0, 0.1²) (larger than HF's 0.02, so that logits and gradients
     * are far from zero) and biases and LayerNorm parameters perturbed by up to ±0.1, so that every
     * parameter takes part. The same seed gives the same weights.
     */
    static SequenceClassifier model(ModelConfig cfg, long seed) {
        SequenceClassifier m = new SequenceClassifier(cfg);
        Initializer.initialize(m.parameters(), 0.1, cfg.padTokenId(), seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (Parameter p : m.parameters()) {
            if (p.trainable() && p.shape().length == 1) {
                float[] d = p.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] += (float) ((r.nextDouble() * 2 - 1) * 0.1);
                }
            }
        }
        return m;
    }

    /**
     * B × T tokens: row 0 full (a sentence pair for BERT: types 0 then 1), row 1 with 7 real
     * tokens and 4 padding, row 2 with 9 real tokens. Padding has id 0, the pad id.
     */
    static ModelInput batch(ModelType type, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] lengths = {T, 7, 9};
        int[] ids = new int[B * T];
        int[] types = type == ModelType.BERT ? new int[B * T] : null;
        float[] mask = new float[B * T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int i = b * T + t;
                boolean real = t < lengths[b];
                ids[i] = real ? 1 + r.nextInt(VOCAB - 1) : 0;
                mask[i] = real ? 1f : 0f;
                if (types != null && b == 0 && t >= 5) {
                    types[i] = 1;
                }
            }
        }
        return new ModelInput(B, T, ids, types, mask);
    }

    static Labels labels(ProblemType problem) {
        return switch (problem) {
            case SINGLE_LABEL_CLASSIFICATION -> new Labels.Classes(new int[] {2, 0, 1});
            case MULTI_LABEL_CLASSIFICATION -> new Labels.MultiHot(new float[][] {{1, 0, 1}, {0, 1, 1}, {0, 0, 1}});
            case REGRESSION -> new Labels.Targets(new float[] {0.5f, -1.25f, 2.0f});
        };
    }

    // ---------------------------------------------------------------- comparisons

    /** ‖a − b‖₂ / ‖b‖₂ (‖a‖₂ when b is zero); fails on a value that is not finite. */
    static double relativeError(String what, float[] a, float[] b) {
        assertTrue(a.length >= b.length, what + ": " + a.length + " values against " + b.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            if (!Float.isFinite(a[i])) {
                fail(what + "[" + i + "] = " + a[i] + " is not finite");
            }
            double d = (double) a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    static void assertRelative(String what, float[] device, float[] cpu, double tol) {
        double e = relativeError(what, device, cpu);
        assertTrue(e <= tol, () -> what + ": relative error ‖device − cpu‖/‖cpu‖ = " + e + " > " + tol);
    }

    /** max |a − b| over b's elements. */
    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < b.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** The values of every parameter in list order (copies). */
    static float[][] values(List<Parameter> ps) {
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).data().clone();
        }
        return out;
    }
}
