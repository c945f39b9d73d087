package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides the {@link LabelSet} of a training file from its labels and what the starting model knows.
 *
 * <p><b>Problem type</b>, the first rule that applies:
 * <ol>
 * <li>forced by {@link DataSpec#problemType()};</li>
 * <li>multi-label when the data says so: a label delimiter, 0/1 label columns, or JSON labels that
 *     are lists;</li>
 * <li>the starting model's {@code problem_type};</li>
 * <li>regression when the model has exactly one label ({@code num_labels == 1}, Hugging Face's rule);</li>
 * <li>regression when some label is a number with a fraction ({@code 0.5}) and numbers outnumber
 *     non-numbers (those are then malformed numbers, i.e. bad rows);</li>
 * <li>single-label classification.</li>
 * </ol>
 *
 * <p><b>Label ids</b> (classification):
 * <ul>
 * <li>When the model names its labels (not {@code LABEL_0, LABEL_1, ...}), its names and ids are kept;
 *     a label is found by name, then by case-insensitive name, then as an integer id below L; any
 *     other label is a bad row.</li>
 * <li>Otherwise labels are numbered in sorted order, as run_glue.py's
 *     {@code label_list = sorted(set(labels))}: integers numerically, other numbers numerically,
 *     strings by code point; never in order of first appearance. So integer labels 0..L-1 keep
 *     their values. Integer labels that all lie below the model's (default-named) label count also
 *     keep their values, even when some id has no example.</li>
 * <li>Multi-label by 0/1 columns: the labels are the columns, in file order (reordered to the model's
 *     ids when the model names them; then the column names must be its label names). Multi-label by
 *     JSON 0/1 lists: {@code LABEL_i} names unless the model names as many.</li>
 * </ul>
 */
final class LabelInference {
    private LabelInference() {
    }

    static LabelSet decide(RawData data, DataSpec spec, KnownLabels known) {
        String source = data.source();
        if (data.rows().isEmpty()) {
            throw new UserException(source + ": no good row to learn labels from"
                    + (data.badRows().skipped() > 0 ? " (" + data.badRows().summary() + ")" : ""));
        }
        ProblemType type = problemType(data, spec, known);
        return switch (type) {
            case REGRESSION -> new LabelSet(ProblemType.REGRESSION,
                    known.names().size() == 1 ? known.names() : List.of("LABEL_0"), known.names().size() == 1);
            case SINGLE_LABEL_CLASSIFICATION -> singleLabel(data, known);
            case MULTI_LABEL_CLASSIFICATION -> multiLabel(data, known);
        };
    }

    static ProblemType problemType(RawData data, DataSpec spec, KnownLabels known) {
        if (spec.problemType() != null) {
            return spec.problemType();
        }
        if (spec.saysMultiLabel() || !data.columns().flagColumns().isEmpty()) {
            return ProblemType.MULTI_LABEL_CLASSIFICATION;
        }
        for (RawRow r : data.rows()) {
            if (r.label() instanceof RawLabel.Names || r.label() instanceof RawLabel.Flags) {
                return ProblemType.MULTI_LABEL_CLASSIFICATION;
            }
        }
        if (known.problemType() != null) {
            return known.problemType();
        }
        if (known.names().size() == 1) {
            return ProblemType.REGRESSION;
        }
        int numbers = 0;
        int others = 0;
        boolean fraction = false;
        for (RawRow r : data.rows()) {
            if (r.label() instanceof RawLabel.Scalar(String text)) {
                Double d = LabelValues.number(text);
                if (d == null) {
                    others++;
                } else {
                    numbers++;
                    fraction |= d != Math.rint(d);
                }
            }
        }
        return fraction && numbers > others ? ProblemType.REGRESSION : ProblemType.SINGLE_LABEL_CLASSIFICATION;
    }

    private static LabelSet singleLabel(RawData data, KnownLabels known) {
        if (known.named()) {
            return new LabelSet(ProblemType.SINGLE_LABEL_CLASSIFICATION, known.names(), true);
        }
        List<String> values = new ArrayList<>();
        for (RawRow r : data.rows()) {
            if (r.label() instanceof RawLabel.Scalar(String text)) {
                values.add(text);
            }
        }
        if (values.isEmpty()) {
            throw new UserException(data.source() + ": no row has a single class label (the labels are lists): "
                    + "expected one class per row for single-label classification");
        }
        List<String> names = numbered(values, known.names().size());
        if (names.size() < 2) {
            throw new UserException(data.source() + ": every row has the label '" + names.getFirst()
                    + "': a classifier needs at least two classes");
        }
        return new LabelSet(ProblemType.SINGLE_LABEL_CLASSIFICATION, names, false);
    }

    private static LabelSet multiLabel(RawData data, KnownLabels known) {
        List<String> flagColumns = data.columns().flagColumns();
        if (!flagColumns.isEmpty()) {
            if (known.named()) {
                if (!new HashSet<>(known.names()).equals(new HashSet<>(flagColumns))) {
                    throw new UserException(data.source() + ": the label columns " + flagColumns
                            + " are not the model's labels " + known.names());
                }
                return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, known.names(), true);
            }
            return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, flagColumns, false);
        }
        RawLabel first = null;
        for (RawRow r : data.rows()) {
            if (r.label() != null) {
                first = r.label();
                break;
            }
        }
        if (first instanceof RawLabel.Flags(float[] values)) {
            int width = values.length;
            if (width == 0) {
                throw new UserException(data.source() + ": the first label is an empty list: expected one 0/1 value "
                        + "per label");
            }
            if (known.named() && known.names().size() == width) {
                return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, known.names(), true);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                names.add("LABEL_" + i);
            }
            return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, names, false);
        }
        if (known.named()) {
            return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, known.names(), true);
        }
        Set<String> values = new HashSet<>();
        for (RawRow r : data.rows()) {
            switch (r.label()) {
                case RawLabel.Names(List<String> names) -> values.addAll(names);
                case RawLabel.Scalar(String text) -> values.add(text);
                case null, default -> {
                }
            }
        }
        if (values.isEmpty()) {
            throw new UserException(data.source() + ": no row names a label: expected label names");
        }
        return new LabelSet(ProblemType.MULTI_LABEL_CLASSIFICATION, numbered(values, known.names().size()), false);
    }

    /**
     * Names in id order for these values: sorted (see {@link LabelValues#sorted}), except that
     * non-negative integers all below {@code max(distinct, knownCount)} keep their values as ids.
     */
    static List<String> numbered(java.util.Collection<String> values, int knownCount) {
        List<String> sorted = LabelValues.sorted(values);
        long max = -1;
        for (String s : sorted) {
            Long i = LabelValues.integer(s);
            if (i == null || i < 0) {
                return sorted;
            }
            max = Math.max(max, i);
        }
        int count = Math.max(sorted.size(), knownCount);
        if (max >= count) {
            return sorted;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }
}
