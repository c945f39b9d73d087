package dev.jbert.trainer.data;

import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import java.util.Arrays;
import java.util.Objects;

/**
 * The good rows of one data file, in file order: texts (or token ids of a pre-tokenized file), the
 * line each came from, and labels when the file has them. Made by {@link DataSets}; tokenized by
 * {@link DataSetEncoder}, after which it can be batched by {@link Batcher}. Immutable: subsets and
 * encodings are new data sets sharing the row arrays.
 */
public final class DataSet {
    private final String source;
    private final long[] lines;
    private final String[] texts;
    private final String[] pairs;
    private final Labels labels;
    private final LabelSet labelSet;
    private final BadRows badRows;
    private final int[][] inputIds;
    private final int[][] tokenTypeIds;
    private final int[][] attentionMasks;
    private final int padId;

    DataSet(String source, long[] lines, String[] texts, String[] pairs, Labels labels, LabelSet labelSet,
            BadRows badRows, int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMasks, int padId) {
        this.source = Objects.requireNonNull(source);
        this.lines = lines;
        this.texts = texts;
        this.pairs = pairs;
        this.labels = labels;
        this.labelSet = labelSet;
        this.badRows = badRows;
        this.inputIds = inputIds;
        this.tokenTypeIds = tokenTypeIds;
        this.attentionMasks = attentionMasks;
        this.padId = padId;
        if ((labels == null) != (labelSet == null)) {
            throw new IllegalArgumentException("labels and label set go together");
        }
        if (labels != null && labels.batchSize() != lines.length) {
            throw new IllegalArgumentException(labels.batchSize() + " labels for " + lines.length + " rows");
        }
    }

    /** The file the rows came from, as named in messages. */
    public String source() {
        return source;
    }

    /** Number of rows. */
    public int size() {
        return lines.length;
    }

    /** The physical line (1-based) where row {@code i} starts in its file. */
    public long line(int i) {
        return lines[i];
    }

    /** True when the rows are text (false for a pre-tokenized file). */
    public boolean hasText() {
        return texts != null;
    }

    /** The text of row {@code i}. */
    public String text(int i) {
        return texts[i];
    }

    /** True when each row is a pair of texts. */
    public boolean hasPairs() {
        return pairs != null;
    }

    /** The second text of row {@code i}, or null when the rows are not pairs. */
    public String pair(int i) {
        return pairs == null ? null : pairs[i];
    }

    /** True when the rows carry labels. */
    public boolean labelled() {
        return labels != null;
    }

    /** All labels, one per row, or null when unlabelled. */
    public Labels labels() {
        return labels;
    }

    /** The labels' problem type and names, or null when unlabelled. */
    public LabelSet labelSet() {
        return labelSet;
    }

    /** The class id of row {@code i} (single-label only). */
    public int classOf(int i) {
        return ((Labels.Classes) labels).values()[i];
    }

    /** The bad rows met while reading the file (skipped ones counted). */
    public BadRows badRows() {
        return badRows;
    }

    /** True when every row has token ids (after {@link DataSetEncoder}, or from a pre-tokenized file). */
    public boolean encoded() {
        return inputIds != null;
    }

    /** The token ids of row {@code i} (not padded). */
    public int[] inputIds(int i) {
        return inputIds[i];
    }

    /** The token types of row {@code i}, or null for all 0. */
    public int[] tokenTypeIds(int i) {
        return tokenTypeIds == null ? null : tokenTypeIds[i];
    }

    /** The attention mask of row {@code i}, or null for all 1 (only a pre-tokenized file has one). */
    public int[] attentionMask(int i) {
        return attentionMasks == null ? null : attentionMasks[i];
    }

    /** Tokens in row {@code i}. */
    public int length(int i) {
        return inputIds[i].length;
    }

    /** The id padding is done with. */
    public int padId() {
        return padId;
    }

    /** The number of rows of each class (single-label), or of rows with each label (multi-label, value above 0.5). */
    public int[] labelCounts() {
        if (labels == null) {
            throw new IllegalStateException(source + ": the data has no labels");
        }
        int[] counts = new int[labelSet.numLabels()];
        switch (labels) {
            case Labels.Classes(int[] values) -> {
                for (int v : values) {
                    counts[v]++;
                }
            }
            case Labels.MultiHot(float[][] rows) -> {
                for (float[] row : rows) {
                    for (int j = 0; j < row.length; j++) {
                        if (row[j] > 0.5f) {
                            counts[j]++;
                        }
                    }
                }
            }
            case Labels.Targets t -> counts[0] = t.values().length;
        }
        return counts;
    }

    /** The labels of these rows, in this order (null when unlabelled). */
    public Labels labelsOf(int[] rows) {
        return switch (labels) {
            case null -> null;
            case Labels.Classes(int[] values) -> {
                int[] out = new int[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = values[rows[i]];
                }
                yield new Labels.Classes(out);
            }
            case Labels.MultiHot(float[][] all) -> {
                float[][] out = new float[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = all[rows[i]].clone();
                }
                yield new Labels.MultiHot(out);
            }
            case Labels.Targets(float[] values) -> {
                float[] out = new float[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    out[i] = values[rows[i]];
                }
                yield new Labels.Targets(out);
            }
        };
    }

    /** These rows, in this order, as a data set of their own (same source, labels and encoding). */
    public DataSet subset(int[] rows) {
        long[] l = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            l[i] = lines[rows[i]];
        }
        return new DataSet(source, l, pick(texts, rows), pick(pairs, rows), labelsOf(rows), labelSet, badRows,
                pick(inputIds, rows), pick(tokenTypeIds, rows), pick(attentionMasks, rows), padId);
    }

    /** The same rows with token ids (rows of {@code types} or {@code masks} may be null: all 0, all 1). */
    DataSet withEncoding(int[][] ids, int[][] types, int[][] masks, int pad) {
        return new DataSet(source, lines, texts, pairs, labels, labelSet, badRows, ids, types, masks, pad);
    }

    /** The problem type, or null when unlabelled. */
    public ProblemType problemType() {
        return labelSet == null ? null : labelSet.problemType();
    }

    private static <T> T[] pick(T[] all, int[] rows) {
        if (all == null) {
            return null;
        }
        T[] out = Arrays.copyOf(all, rows.length);
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    @Override
    public String toString() {
        return "DataSet[" + source + ", " + size() + " rows" + (labelSet == null ? "" : ", " + labelSet)
                + (encoded() ? ", encoded" : "") + "]";
    }
}
