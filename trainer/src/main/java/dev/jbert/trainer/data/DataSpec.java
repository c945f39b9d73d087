package dev.jbert.trainer.data;

import dev.jbert.engine.config.ProblemType;
import java.util.List;
import java.util.Objects;

/**
 * Which parts of a data file are the text, the text pair and the labels, and how to read them.
 * Every field may be left at its default; {@link DataSets} documents how the defaults are resolved.
 *
 * @param format          the file layout; null: from the extension, else sniffed ({@link DataFormat})
 * @param textColumn      the column (JSON field) holding the text; null: found by name, see
 *                        {@link ColumnChoice}
 * @param textPairColumn  the column holding the second text of a pair; null: none (unless
 *                        {@code textColumn} is null too and a known pair of names is present)
 * @param labelColumn     the single label column; null: {@code label}, else {@code labels}
 * @param labelColumns    multi-label as one 0/1 column per label, in this order; empty: not used
 * @param labelDelimiter  multi-label as one column listing label names separated by this string
 *                        (e.g. {@code "|"}); null: not used
 * @param problemType     forces the problem type; null: inferred ({@link LabelInference})
 * @param onBadRow        fail on the first bad row (default) or skip bad rows
 * @param readLabels      true (train, eval): labels are read, and a file without them is an error;
 *                        false (predict): label columns are ignored and the data is unlabelled
 */
public record DataSpec(
        DataFormat format,
        String textColumn,
        String textPairColumn,
        String labelColumn,
        List<String> labelColumns,
        String labelDelimiter,
        ProblemType problemType,
        OnBadRow onBadRow,
        boolean readLabels) {

    public DataSpec {
        labelColumns = labelColumns == null ? List.of() : List.copyOf(labelColumns);
        Objects.requireNonNull(onBadRow, "onBadRow");
        if (labelDelimiter != null && labelDelimiter.isEmpty()) {
            throw new IllegalArgumentException("label delimiter must not be empty");
        }
        if (labelDelimiter != null && !labelColumns.isEmpty()) {
            throw new IllegalArgumentException("multi-label data: give either a label delimiter (one column listing "
                    + "names) or label columns (one 0/1 column per label), not both");
        }
        if (problemType == ProblemType.REGRESSION && (labelDelimiter != null || labelColumns.size() > 1)) {
            throw new IllegalArgumentException("regression reads one number per row: a label delimiter or several "
                    + "label columns describe multi-label data");
        }
        if (problemType == ProblemType.SINGLE_LABEL_CLASSIFICATION
                && (labelDelimiter != null || labelColumns.size() > 1)) {
            throw new IllegalArgumentException("single-label classification reads one class per row: a label "
                    + "delimiter or several label columns describe multi-label data");
        }
        if (textColumn != null && textColumn.equals(textPairColumn)) {
            throw new IllegalArgumentException("text column and text pair column are both '" + textColumn + "'");
        }
    }

    /** Everything found by name or inferred; bad rows fail; labels read (and required). */
    public static DataSpec defaults() {
        return new DataSpec(null, null, null, null, List.of(), null, null, OnBadRow.FAIL, true);
    }

    public DataSpec withFormat(DataFormat f) {
        return new DataSpec(f, textColumn, textPairColumn, labelColumn, labelColumns, labelDelimiter, problemType,
                onBadRow, readLabels);
    }

    public DataSpec withTextColumn(String c) {
        return new DataSpec(format, c, textPairColumn, labelColumn, labelColumns, labelDelimiter, problemType,
                onBadRow, readLabels);
    }

    public DataSpec withTextPairColumn(String c) {
        return new DataSpec(format, textColumn, c, labelColumn, labelColumns, labelDelimiter, problemType,
                onBadRow, readLabels);
    }

    public DataSpec withLabelColumn(String c) {
        return new DataSpec(format, textColumn, textPairColumn, c, labelColumns, labelDelimiter, problemType,
                onBadRow, readLabels);
    }

    public DataSpec withLabelColumns(List<String> cs) {
        return new DataSpec(format, textColumn, textPairColumn, labelColumn, cs, labelDelimiter, problemType,
                onBadRow, readLabels);
    }

    /** From a comma-separated list, e.g. {@code "toxic,insult,threat"}. */
    public DataSpec withLabelColumns(String commaSeparated) {
        List<String> cs = java.util.Arrays.stream(commaSeparated.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        return withLabelColumns(cs);
    }

    public DataSpec withLabelDelimiter(String d) {
        return new DataSpec(format, textColumn, textPairColumn, labelColumn, labelColumns, d, problemType,
                onBadRow, readLabels);
    }

    public DataSpec withProblemType(ProblemType t) {
        return new DataSpec(format, textColumn, textPairColumn, labelColumn, labelColumns, labelDelimiter, t,
                onBadRow, readLabels);
    }

    public DataSpec withOnBadRow(OnBadRow b) {
        return new DataSpec(format, textColumn, textPairColumn, labelColumn, labelColumns, labelDelimiter,
                problemType, b, readLabels);
    }

    public DataSpec withReadLabels(boolean read) {
        return new DataSpec(format, textColumn, textPairColumn, labelColumn, labelColumns, labelDelimiter,
                problemType, onBadRow, read);
    }

    /** True when the spec itself says the data is multi-label (a delimiter or label columns). */
    boolean saysMultiLabel() {
        return labelDelimiter != null || !labelColumns.isEmpty();
    }
}
