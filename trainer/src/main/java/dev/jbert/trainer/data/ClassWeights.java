package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;

/**
 * Loss weights that make rare labels count as much as common ones.
 *
 * <p>{@link #balanced}: scikit-learn's {@code compute_class_weight("balanced")},
 * {@code w_c = n_samples / (n_classes · count_c)}, for the class weights of a single-label
 * cross-entropy loss. As in scikit-learn, a class without rows has no weight: it is an error.
 *
 * <p>{@link #positiveWeights}: for a multi-label binary cross-entropy loss, PyTorch's
 * {@code pos_weight} convention {@code w_c = negatives_c / positives_c} (a value above 0.5 counts as
 * positive); a label without positive rows is an error.
 */
public final class ClassWeights {
    private ClassWeights() {
    }

    public static float[] balanced(DataSet data) {
        require(data, ProblemType.SINGLE_LABEL_CLASSIFICATION, "class weights");
        int[] counts = data.labelCounts();
        int n = data.size();
        float[] w = new float[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new UserException(data.source() + ": class '" + data.labelSet().name(c)
                        + "' has no row, so it has no balanced weight: remove it from the labels or add rows");
            }
            w[c] = (float) ((double) n / ((double) counts.length * counts[c]));
        }
        return w;
    }

    public static float[] positiveWeights(DataSet data) {
        require(data, ProblemType.MULTI_LABEL_CLASSIFICATION, "positive weights");
        int[] positives = data.labelCounts();
        int n = data.size();
        float[] w = new float[positives.length];
        for (int c = 0; c < positives.length; c++) {
            if (positives[c] == 0) {
                throw new UserException(data.source() + ": label '" + data.labelSet().name(c)
                        + "' is on no row, so it has no positive weight");
            }
            w[c] = (float) ((double) (n - positives[c]) / positives[c]);
        }
        return w;
    }

    private static void require(DataSet data, ProblemType type, String what) {
        if (data.problemType() != type) {
            throw new UserException(data.source() + ": " + what + " need " + type.hfName() + " data, found "
                    + (data.problemType() == null ? "unlabelled data" : data.problemType().hfName()));
        }
    }
}
