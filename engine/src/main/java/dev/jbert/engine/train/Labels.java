package dev.jbert.engine.train;

/**
 * The labels of one batch, in the form its loss needs: class indices for single-label
 * classification, multi-hot rows for multi-label classification, real targets for regression.
 *
 * <p>The arrays are held as given (not copied); a loss only reads them.
 */
public sealed interface Labels permits Labels.Classes, Labels.MultiHot, Labels.Targets {

    /** Number of rows (examples) in the batch. */
    int batchSize();

    /** One class index per row, {@code [B]}; a row equal to the loss's ignore index adds nothing. */
    record Classes(int[] values) implements Labels {
        public Classes {
            if (values == null) {
                throw new IllegalArgumentException("class labels must not be null");
            }
        }

        @Override
        public int batchSize() {
            return values.length;
        }
    }

    /** One row of L values (0 or 1, or soft targets in [0, 1]) per example, {@code [B, L]}. */
    record MultiHot(float[][] rows) implements Labels {
        public MultiHot {
            if (rows == null) {
                throw new IllegalArgumentException("multi-hot labels must not be null");
            }
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == null || rows[i].length != rows[0].length) {
                    throw new IllegalArgumentException("multi-hot labels: row " + i + " has "
                            + (rows[i] == null ? "no values" : rows[i].length + " values")
                            + ", expected " + rows[0].length + " like row 0");
                }
            }
        }

        @Override
        public int batchSize() {
            return rows.length;
        }

        /** Labels per row (0 for an empty batch). */
        public int width() {
            return rows.length == 0 ? 0 : rows[0].length;
        }
    }

    /**
     * Regression targets, row-major {@code [B, L]} flattened: {@code [B]} when there is one
     * output per row (HF's {@code num_labels == 1}). {@link #batchSize()} assumes one target per
     * row; a loss with L outputs per row checks {@code values.length == B·L} itself.
     */
    record Targets(float[] values) implements Labels {
        public Targets {
            if (values == null) {
                throw new IllegalArgumentException("regression targets must not be null");
            }
        }

        @Override
        public int batchSize() {
            return values.length;
        }
    }

    static Labels classes(int... values) {
        return new Classes(values);
    }

    static Labels multiHot(float[][] rows) {
        return new MultiHot(rows);
    }

    static Labels targets(float... values) {
        return new Targets(values);
    }
}
