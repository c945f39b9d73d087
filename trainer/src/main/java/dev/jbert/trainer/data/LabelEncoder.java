package dev.jbert.trainer.data;

import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns raw labels into ids, multi-hot rows or targets under a decided {@link LabelSet}; a label
 * that does not fit (unknown name, malformed number, wrong width) makes its row bad.
 */
final class LabelEncoder {
    private final LabelSet set;
    private final Map<String, Integer> byName = new HashMap<>();
    private final Map<String, Integer> byLowerName = new HashMap<>();
    private final int[] columnToId;

    private LabelEncoder(LabelSet set, List<String> flagColumns) {
        this.set = set;
        for (int i = 0; i < set.numLabels(); i++) {
            String n = set.name(i);
            byName.put(n, i);
            String c = LabelValues.canonical(n);
            byName.putIfAbsent(c, i);
            String lower = n.toLowerCase(Locale.ROOT);
            byLowerName.merge(lower, i, (a, b) -> -1);
        }
        if (flagColumns.isEmpty()) {
            columnToId = null;
        } else {
            columnToId = new int[flagColumns.size()];
            for (int j = 0; j < columnToId.length; j++) {
                Integer id = byName.get(flagColumns.get(j));
                columnToId[j] = id == null ? -1 : id;
            }
        }
    }

    /** The rows kept (indices into {@code data.rows()}) and their labels. */
    record Result(int[] kept, Labels labels) {
    }

    static Result encode(RawData data, LabelSet set) {
        List<String> flagColumns = data.columns().flagColumns();
        if (!flagColumns.isEmpty() && !new java.util.HashSet<>(flagColumns).equals(new java.util.HashSet<>(set.names()))) {
            throw new dev.jbert.cli.UserException(data.source() + ": the label columns " + flagColumns
                    + " are not the labels " + set.names());
        }
        LabelEncoder e = new LabelEncoder(set, data.columns().flagColumns());
        List<RawRow> rows = data.rows();
        int n = rows.size();
        int[] kept = new int[n];
        int[] classes = new int[n];
        float[][] multi = new float[n][];
        float[] targets = new float[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            RawRow r = rows.get(i);
            try {
                switch (set.problemType()) {
                    case SINGLE_LABEL_CLASSIFICATION -> classes[k] = e.classOf(r.label());
                    case MULTI_LABEL_CLASSIFICATION -> multi[k] = e.multiHot(r.label());
                    case REGRESSION -> targets[k] = e.target(r.label(), data.columns().label());
                }
                kept[k++] = i;
            } catch (RowError err) {
                data.badRows().report(r.line(), err.reason());
            }
        }
        Labels labels = switch (set.problemType()) {
            case SINGLE_LABEL_CLASSIFICATION -> new Labels.Classes(Arrays.copyOf(classes, k));
            case MULTI_LABEL_CLASSIFICATION -> new Labels.MultiHot(Arrays.copyOf(multi, k));
            case REGRESSION -> new Labels.Targets(Arrays.copyOf(targets, k));
        };
        return new Result(Arrays.copyOf(kept, k), labels);
    }

    private int classOf(RawLabel label) {
        return switch (label) {
            case RawLabel.Scalar(String text) -> id(text);
            case RawLabel.Names(List<String> names) when names.size() == 1 -> id(names.getFirst());
            case null -> throw new RowError("missing label");
            default -> throw new RowError("the label is a list: expected one class for single-label classification");
        };
    }

    private int id(String value) {
        Integer id = byName.get(value);
        if (id == null) {
            id = byName.get(LabelValues.canonical(value));
        }
        if (id == null && set.fromModel()) {
            Integer lower = byLowerName.get(value.toLowerCase(Locale.ROOT));
            if (lower != null && lower >= 0) {
                id = lower;
            } else {
                Long asId = LabelValues.integer(value);
                if (asId != null && asId >= 0 && asId < set.numLabels()) {
                    id = asId.intValue();
                }
            }
        }
        if (id == null) {
            throw new RowError("unknown label '" + LabelFields.shorten(value) + "': expected one of " + listed());
        }
        return id;
    }

    private float[] multiHot(RawLabel label) {
        int width = set.numLabels();
        float[] row = new float[width];
        switch (label) {
            case RawLabel.Names(List<String> names) -> {
                for (String n : names) {
                    row[id(n)] = 1f;
                }
            }
            case RawLabel.Scalar(String text) -> row[id(text)] = 1f;
            case RawLabel.Flags(float[] values) when columnToId != null -> {
                for (int j = 0; j < values.length; j++) {
                    row[columnToId[j]] = values[j];
                }
            }
            case RawLabel.Flags(float[] values) -> {
                if (values.length != width) {
                    throw new RowError("the label has " + values.length + " values, expected " + width
                            + " (one 0/1 value per label)");
                }
                System.arraycopy(values, 0, row, 0, width);
            }
            case null -> throw new RowError("missing label");
        }
        return row;
    }

    private float target(RawLabel label, String column) {
        return switch (label) {
            case RawLabel.Scalar(String text) -> {
                Double d = LabelValues.number(text);
                if (d == null) {
                    throw new RowError("malformed number '" + LabelFields.shorten(text) + "' in column '" + column
                            + "': expected a finite number for regression");
                }
                yield d.floatValue();
            }
            case null -> throw new RowError("missing label");
            default -> throw new RowError("the label is a list: expected one number for regression");
        };
    }

    private String listed() {
        int show = Math.min(set.numLabels(), 10);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < show; i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(set.name(i)).append('\'');
        }
        if (show < set.numLabels()) {
            sb.append(", ... (").append(set.numLabels()).append(" labels)");
        }
        return sb.toString();
    }
}
