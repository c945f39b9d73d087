package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import java.util.Arrays;

/**
 * Random undersampling of a training set, as the toxic-comment notebooks balance their data: every
 * group larger than the smallest is cut down to the smallest group's size, keeping a random subset
 * (the rows of group g are shuffled by {@link SeededRandom} keyed (seed, REBALANCE, g) and the first
 * ones kept); the result keeps file order.
 *
 * <p>Groups: for single-label data, the classes that have rows (a class with none is ignored); for
 * multi-label data, the rows with no label versus the rows with at least one (a value above 0.5).
 * Regression data has no groups and cannot be rebalanced.
 */
public final class Rebalance {
    private Rebalance() {
    }

    public static DataSet undersample(DataSet data, long seed) {
        if (!data.labelled() || data.problemType() == ProblemType.REGRESSION) {
            throw new UserException(data.source() + ": rebalancing needs class labels"
                    + (data.labelled() ? ", not regression targets" : ""));
        }
        int n = data.size();
        int[] group = new int[n];
        int groups;
        if (data.labels() instanceof Labels.Classes(int[] values)) {
            groups = data.labelSet().numLabels();
            System.arraycopy(values, 0, group, 0, n);
        } else {
            groups = 2;
            float[][] rows = ((Labels.MultiHot) data.labels()).rows();
            for (int i = 0; i < n; i++) {
                for (float v : rows[i]) {
                    if (v > 0.5f) {
                        group[i] = 1;
                        break;
                    }
                }
            }
        }
        int[] counts = new int[groups];
        for (int g : group) {
            counts[g]++;
        }
        int smallest = Integer.MAX_VALUE;
        for (int c : counts) {
            if (c > 0) {
                smallest = Math.min(smallest, c);
            }
        }
        boolean[] keep = new boolean[n];
        for (int g = 0; g < groups; g++) {
            int[] rows = new int[counts[g]];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (group[i] == g) {
                    rows[k++] = i;
                }
            }
            if (rows.length > smallest) {
                SeededRandom.of(seed, SeededRandom.REBALANCE, g).shuffle(rows);
            }
            for (int j = 0; j < Math.min(smallest, rows.length); j++) {
                keep[rows[j]] = true;
            }
        }
        int[] kept = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                kept[k++] = i;
            }
        }
        return data.subset(Arrays.copyOf(kept, k));
    }
}
