package dev.jbert.trainer.predict;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import java.util.Locale;

/**
 * What turns a row of logits into scores: Hugging Face's text-classification pipeline's
 * {@code function_to_apply}. {@link #DEFAULT} resolves as the pipeline does
 * ({@link #resolve}): sigmoid for a multi-label model or a single output ({@code num_labels == 1},
 * regression included), softmax otherwise.
 *
 * <p>Computed in double, rounded to float once, as the pipeline's float32 numpy:
 * softmax subtracts the row maximum first.
 */
public enum ScoreFunction {
    DEFAULT, SOFTMAX, SIGMOID, NONE;

    /** Parses {@code default}, {@code softmax}, {@code sigmoid} or {@code none}. */
    public static ScoreFunction parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (ScoreFunction f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(n)) {
                return f;
            }
        }
        throw new UserException("--function-to-apply: expected default, softmax, sigmoid or none, found '" + name + "'");
    }

    /** The function {@link #DEFAULT} stands for with this model. */
    public ScoreFunction resolve(ProblemType problemType, int numLabels) {
        if (this != DEFAULT) {
            return this;
        }
        if (problemType == ProblemType.MULTI_LABEL_CLASSIFICATION || numLabels == 1) {
            return SIGMOID;
        }
        return SOFTMAX;
    }

    /** The scores of one row of logits (a new array). */
    public float[] apply(float[] logits) {
        float[] out = new float[logits.length];
        switch (this) {
            case SOFTMAX -> softmax(logits, out);
            case SIGMOID -> {
                for (int i = 0; i < logits.length; i++) {
                    out[i] = sigmoid(logits[i]);
                }
            }
            case NONE -> System.arraycopy(logits, 0, out, 0, logits.length);
            case DEFAULT -> throw new IllegalStateException("resolve DEFAULT for the model first");
        }
        return out;
    }

    /** Scores of every row. */
    public float[][] apply(float[][] logits) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            out[i] = apply(logits[i]);
        }
        return out;
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    private static void softmax(float[] logits, float[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
    }
}
