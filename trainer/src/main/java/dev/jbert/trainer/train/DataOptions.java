package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.trainer.data.DataFormat;
import dev.jbert.trainer.data.DataSpec;
import dev.jbert.trainer.data.OnBadRow;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The flags that say how to read a data file, shared by {@code jbert train}, {@code eval} and
 * {@code predict} (a picocli mixin): which columns hold the text, the text pair and the labels, the
 * problem type, the format, what to do with bad rows, and the maximum length in tokens.
 */
public final class DataOptions {
    @Option(names = "--text-column", paramLabel = "NAME",
            description = "Column (JSON field) with the text (default: found by name: text, sentence, ...).")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "NAME",
            description = "Column with the second text of a pair (e.g. NLI hypothesis).")
    String textPairColumn;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "Column with the label: a class name or id, a number for regression (default: label, else labels).")
    String labelColumn;

    @Option(names = "--label-columns", paramLabel = "A,B,C",
            description = "Multi-label: one 0/1 column per label, comma-separated.")
    String labelColumns;

    @Option(names = "--label-delimiter", paramLabel = "SEP",
            description = "Multi-label: the label column lists names separated by SEP (e.g. '|').")
    String labelDelimiter;

    @Option(names = "--problem-type", paramLabel = "TYPE",
            description = "single_label_classification, multi_label_classification or regression (default: inferred).")
    String problemType;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "csv, tsv or jsonl (default: from the file name, else sniffed).")
    String format;

    @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
            description = "A bad row stops with its file and line (fail, the default) or is skipped and counted.")
    String onBadRow;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate to N tokens (default: what the model and tokenizer accept).")
    Integer maxLength;

    /** The data spec these flags describe. */
    public DataSpec spec(boolean readLabels) {
        DataSpec s = DataSpec.defaults().withReadLabels(readLabels);
        try {
            if (format != null) {
                s = s.withFormat(DataFormat.parse(format));
            }
            s = s.withOnBadRow(OnBadRow.parse(onBadRow));
            if (textColumn != null) {
                s = s.withTextColumn(textColumn);
            }
            if (textPairColumn != null) {
                s = s.withTextPairColumn(textPairColumn);
            }
            if (labelColumn != null) {
                s = s.withLabelColumn(labelColumn);
            }
            if (labelColumns != null) {
                s = s.withLabelColumns(labelColumns);
                if (s.labelColumns().isEmpty()) {
                    throw new UserException("--label-columns: expected column names separated by commas, found '"
                            + labelColumns + "'");
                }
            }
            if (labelDelimiter != null) {
                s = s.withLabelDelimiter(labelDelimiter);
            }
            if (problemType != null) {
                s = s.withProblemType(parseProblemType(problemType));
            }
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        return s;
    }

    /** The forced problem type, or null. */
    public ProblemType problemType() {
        return problemType == null ? null : parseProblemType(problemType);
    }

    /**
     * The maximum length: the flag, else the smaller of the model's positions and the tokenizer's
     * {@code model_max_length}; a flag above the model's positions is refused.
     */
    public int maxLength(int modelPositions, int tokenizerMax) {
        int limit = Math.min(modelPositions, tokenizerMax > 0 ? tokenizerMax : Integer.MAX_VALUE);
        if (maxLength == null) {
            return limit;
        }
        if (maxLength < 2) {
            throw new UserException("--max-length: expected at least 2 tokens ([CLS] and [SEP]), found " + maxLength);
        }
        if (maxLength > modelPositions) {
            throw new UserException("--max-length " + maxLength + " is more than the model's "
                    + modelPositions + " positions (max_position_embeddings)");
        }
        return maxLength;
    }

    /** Accepts HF's names and the short forms {@code single_label}, {@code multi_label} (with - or _). */
    public static ProblemType parseProblemType(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "single_label_classification", "single_label", "single" -> ProblemType.SINGLE_LABEL_CLASSIFICATION;
            case "multi_label_classification", "multi_label", "multi" -> ProblemType.MULTI_LABEL_CLASSIFICATION;
            case "regression" -> ProblemType.REGRESSION;
            default -> throw new UserException("--problem-type: expected single_label_classification,"
                    + " multi_label_classification or regression, found '" + name + "'");
        };
    }
}
