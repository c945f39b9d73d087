package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which columns (JSON fields) of a file are the text, the text pair and the labels.
 *
 * <p>Rules, when {@link DataSpec} leaves a column unnamed (run_glue.py takes "the first columns
 * that are not the label", which silently depends on column order; we go by names instead):
 * <ul>
 * <li>Text: when neither the text nor the pair column is named, the first known pair present is used:
 *     {@code sentence1/sentence2}, {@code premise/hypothesis}, {@code question/sentence},
 *     {@code question1/question2}, {@code text/text_pair}; else the first single column present of
 *     {@code text}, {@code sentence}, {@code comment_text}; else it is an error that lists the
 *     columns. A named pair column alone takes its text column from the single names.</li>
 * <li>Labels, single column: the named one, else {@code label}, else {@code labels}.</li>
 * <li>Labels, one 0/1 column per label: the named {@code labelColumns}; or, when none of the above
 *     exists, and the problem type is multi-label or not forced: every
 *     column that is not a text column nor named {@code id}, {@code idx} or {@code guid}, in file order,
 *     provided there are at least two (one when multi-label is forced).</li>
 * <li>No label column: an error. When {@link DataSpec#readLabels()} is false (predict), labels are
 *     not looked for: the data is unlabelled.</li>
 * </ul>
 * Column names are matched exactly (case-sensitive).
 *
 * @param text        the text column, or null in a pre-tokenized file
 * @param pair        the text pair column, or null
 * @param label       the single label column, or null
 * @param flagColumns the 0/1 label columns, empty unless multi-label by columns
 */
record ColumnChoice(String text, String pair, String label, List<String> flagColumns) {

    private static final List<List<String>> KNOWN_PAIRS = List.of(
            List.of("sentence1", "sentence2"), List.of("premise", "hypothesis"), List.of("question", "sentence"),
            List.of("question1", "question2"), List.of("text", "text_pair"));
    private static final List<String> KNOWN_TEXTS = List.of("text", "sentence", "comment_text");
    private static final Set<String> ID_COLUMNS = Set.of("id", "idx", "guid");

    ColumnChoice {
        flagColumns = List.copyOf(flagColumns);
    }

    boolean labelled() {
        return label != null || !flagColumns.isEmpty();
    }

    /** Resolves the columns of a file with these column names (in file order). */
    static ColumnChoice resolve(String source, List<String> columns, DataSpec spec, boolean preTokenized) {
        String text = null;
        String pair = null;
        if (!preTokenized) {
            if (spec.textColumn() != null) {
                text = require(source, columns, spec.textColumn(), "text");
                pair = spec.textPairColumn() == null ? null : require(source, columns, spec.textPairColumn(), "text pair");
            } else if (spec.textPairColumn() != null) {
                pair = require(source, columns, spec.textPairColumn(), "text pair");
                text = firstPresent(columns, KNOWN_TEXTS, pair);
                if (text == null) {
                    throw noText(source, columns);
                }
            } else {
                for (List<String> p : KNOWN_PAIRS) {
                    if (columns.contains(p.get(0)) && columns.contains(p.get(1))) {
                        text = p.get(0);
                        pair = p.get(1);
                        break;
                    }
                }
                if (text == null) {
                    text = firstPresent(columns, KNOWN_TEXTS, null);
                }
                if (text == null) {
                    throw noText(source, columns);
                }
            }
        }
        if (!spec.readLabels()) {
            return new ColumnChoice(text, pair, null, List.of());
        }
        if (!spec.labelColumns().isEmpty()) {
            for (String c : spec.labelColumns()) {
                require(source, columns, c, "label");
                if (c.equals(text) || c.equals(pair)) {
                    throw new UserException(source + ": column '" + c + "' is both a text and a label column");
                }
            }
            return new ColumnChoice(text, pair, null, spec.labelColumns());
        }
        if (spec.labelColumn() != null) {
            require(source, columns, spec.labelColumn(), "label");
            return checked(source, new ColumnChoice(text, pair, spec.labelColumn(), List.of()));
        }
        for (String c : List.of("label", "labels")) {
            if (columns.contains(c)) {
                return checked(source, new ColumnChoice(text, pair, c, List.of()));
            }
        }
        ProblemType forced = spec.problemType();
        if ((forced == null || forced == ProblemType.MULTI_LABEL_CLASSIFICATION)) {
            List<String> rest = new ArrayList<>();
            for (String c : columns) {
                if (!c.equals(text) && !c.equals(pair) && !ID_COLUMNS.contains(c.toLowerCase(Locale.ROOT))
                        && !(preTokenized && PreTokenizedFields.NAMES.contains(c))) {
                    rest.add(c);
                }
            }
            if (rest.size() >= (forced == null ? 2 : 1)) {
                return new ColumnChoice(text, pair, null, rest);
            }
        }
        throw new UserException(source + ": no label column: expected one named 'label' or 'labels', found "
                + describe(columns) + "; name it with the label column option");
    }

    private static ColumnChoice checked(String source, ColumnChoice c) {
        if (c.label.equals(c.text) || c.label.equals(c.pair)) {
            throw new UserException(source + ": column '" + c.label + "' is both a text and a label column");
        }
        return c;
    }

    private static String firstPresent(List<String> columns, List<String> names, String except) {
        for (String n : names) {
            if (columns.contains(n) && !n.equals(except)) {
                return n;
            }
        }
        return null;
    }

    private static String require(String source, List<String> columns, String name, String role) {
        if (!columns.contains(name)) {
            throw new UserException(source + ": no " + role + " column '" + name + "': found " + describe(columns));
        }
        return name;
    }

    private static UserException noText(String source, List<String> columns) {
        return new UserException(source + ": which column is the text? none is named " + String.join(", ", KNOWN_TEXTS)
                + " (nor a known pair such as sentence1/sentence2): found " + describe(columns)
                + "; name it with the text column option");
    }

    static String describe(List<String> columns) {
        return columns.isEmpty() ? "no columns" : "columns " + String.join(", ", columns.stream()
                .map(c -> "'" + c + "'").toList());
    }
}
