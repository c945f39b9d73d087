package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;

/**
 * Holds out a fraction of a data set for validation, reproducibly from a seed. Both parts keep file
 * order.
 *
 * <p><b>Single-label</b> (stratified): for each class c, in id order, the rows of c (file order) are
 * shuffled by {@link SeededRandom} keyed (seed, SPLIT, c) and the first
 * {@code k_c = round(fraction · n_c)} (half up) go to validation, capped at {@code n_c − 1} so every
 * class keeps a training row. So each class's share of the validation set is its share of the data,
 * up to rounding; this differs from scikit-learn's {@code train_test_split(stratify=...)}, which
 * allocates a total first.
 *
 * <p><b>Multi-label, regression, unlabelled</b> (random): all rows are shuffled by the stream keyed
 * (seed, SPLIT) and the first {@code round(fraction · n)} go to validation, at least 1 and at most
 * {@code n − 1}.
 */
public final class ValidationSplit {
    private ValidationSplit() {
    }

    public static DataSplit split(DataSet data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UserException("validation fraction: expected a number between 0 and 1 (exclusive), found "
                    + fraction);
        }
        int n = data.size();
        if (n < 2) {
            throw new UserException(data.source() + ": " + n + " row(s): too few to hold out a validation set");
        }
        boolean[] held = data.problemType() == ProblemType.SINGLE_LABEL_CLASSIFICATION
                ? stratified(data, fraction, seed) : random(n, fraction, seed);
        int k = 0;
        for (boolean h : held) {
            k += h ? 1 : 0;
        }
        if (k == 0) {
            throw new UserException(data.source() + ": a validation fraction of " + fraction + " of " + n
                    + " rows holds out no row: expected a larger fraction");
        }
        int[] train = new int[n - k];
        int[] validation = new int[k];
        int t = 0;
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (held[i]) {
                validation[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new DataSplit(data.subset(train), data.subset(validation));
    }

    private static boolean[] stratified(DataSet data, double fraction, long seed) {
        int n = data.size();
        int classes = data.labelSet().numLabels();
        int[] counts = new int[classes];
        for (int i = 0; i < n; i++) {
            counts[data.classOf(i)]++;
        }
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < n; i++) {
            int c = data.classOf(i);
            byClass[c][fill[c]++] = i;
        }
        boolean[] held = new boolean[n];
        for (int c = 0; c < classes; c++) {
            int[] rows = byClass[c];
            if (rows.length == 0) {
                continue;
            }
            SeededRandom.of(seed, SeededRandom.SPLIT, c).shuffle(rows);
            int k = (int) Math.min(Math.round(fraction * rows.length), rows.length - 1L);
            for (int j = 0; j < k; j++) {
                held[rows[j]] = true;
            }
        }
        return held;
    }

    private static boolean[] random(int n, double fraction, long seed) {
        int[] order = SeededRandom.of(seed, SeededRandom.SPLIT).permutation(n);
        int k = (int) Math.max(1, Math.min(Math.round(fraction * n), n - 1L));
        boolean[] held = new boolean[n];
        for (int j = 0; j < k; j++) {
            held[order[j]] = true;
        }
        return held;
    }
}
