package dev.jbert.trainer.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Precision, recall, F1 and support per class and on average, as scikit-learn's
 * {@code classification_report} with every class listed ({@code labels=range(L)}): as data
 * ({@link #toMap()}, like {@code output_dict=True}) and as its text table ({@link #format()}).
 *
 * <p>Single-label reports end with {@code accuracy}, {@code macro avg} and
 * {@code weighted avg}; multi-label reports with {@code micro avg}, {@code macro avg},
 * {@code weighted avg} and {@code samples avg}. Scores whose denominator is zero are 0.0
 * (scikit-learn's default {@code zero_division}).
 */
public final class ClassificationReport {
    /** The column headings, which are also the keys of each row in {@link #toMap()}. */
    public static final List<String> HEADERS = List.of("precision", "recall", "f1-score", "support");

    private static final String LONGEST_SUMMARY_HEADING = "weighted avg";

    /** One line of the report: a class, or an average over the classes. */
    public record Row(String name, double precision, double recall, double f1, long support) {
        Row(String name, PrecisionRecallF1 scores, long support) {
            this(name, scores.precision(), scores.recall(), scores.f1(), support);
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put(HEADERS.get(0), precision);
            map.put(HEADERS.get(1), recall);
            map.put(HEADERS.get(2), f1);
            map.put(HEADERS.get(3), support);
            return map;
        }
    }

    private final List<Row> classRows;
    private final OptionalDouble accuracy; // single-label only
    private final long totalSupport;
    private final List<Row> averageRows;

    private ClassificationReport(List<Row> classRows, OptionalDouble accuracy, long totalSupport, List<Row> averageRows) {
        this.classRows = List.copyOf(classRows);
        this.accuracy = accuracy;
        this.totalSupport = totalSupport;
        this.averageRows = List.copyOf(averageRows);
    }

    /**
     * The report of a single-label problem.
     *
     * @param labels      true class of each example, in {@code 0..L-1}
     * @param predictions predicted class of each example, in {@code 0..L-1}
     * @param labelNames  one name per class; null for "0", "1", … with L = 1 + the largest class seen
     */
    public static ClassificationReport singleLabel(int[] labels, int[] predictions, List<String> labelNames) {
        Inputs.requireRows("labels", labels.length);
        Inputs.requireSameLength("labels", labels.length, "predictions", predictions.length);
        int classes;
        if (labelNames != null) {
            classes = labelNames.size();
        } else {
            classes = 0;
            for (int i = 0; i < labels.length; i++) {
                classes = Math.max(classes, Math.max(labels[i], predictions[i]) + 1);
            }
        }
        SingleLabelMetrics.requireClasses("labels", labels, classes);
        SingleLabelMetrics.requireClasses("predictions", predictions, classes);
        return singleLabel(ConfusionMatrix.of(labels, predictions, classes), Inputs.labelNames(labelNames, classes));
    }

    /** The report of a single-label problem from its confusion matrix. */
    public static ClassificationReport singleLabel(ConfusionMatrix confusion, List<String> labelNames) {
        List<String> names = Inputs.labelNames(labelNames, confusion.numClasses());
        ClassCounts counts = confusion.classCounts();
        long total = counts.totalSupport();
        List<Row> averages = List.of(
                new Row("macro avg", counts.average(Average.MACRO), total),
                new Row("weighted avg", counts.average(Average.WEIGHTED), total));
        // with every class listed, micro-averaged precision = recall = F1 = accuracy
        double accuracy = total == 0 ? 0.0 : (double) confusion.correct() / total;
        return new ClassificationReport(classRows(counts, names), OptionalDouble.of(accuracy), total, averages);
    }

    /**
     * The report of a multi-label problem.
     *
     * @param labels      {@code [N, L]} true labels, each 0 or 1
     * @param predictions {@code [N, L]} predicted labels, each 0 or 1
     * @param labelNames  one name per label; null for "0", "1", …
     */
    public static ClassificationReport multiLabel(int[][] labels, int[][] predictions, List<String> labelNames) {
        return multiLabel(MultiLabelConfusion.of(labels, predictions), labelNames);
    }

    /** The report of a multi-label problem from its counts. */
    public static ClassificationReport multiLabel(MultiLabelConfusion confusion, List<String> labelNames) {
        List<String> names = Inputs.labelNames(labelNames, confusion.numLabels());
        ClassCounts counts = confusion.classCounts();
        long total = counts.totalSupport();
        List<Row> averages = List.of(
                new Row("micro avg", counts.average(Average.MICRO), total),
                new Row("macro avg", counts.average(Average.MACRO), total),
                new Row("weighted avg", counts.average(Average.WEIGHTED), total),
                new Row("samples avg", confusion.samplesAverage(), total));
        return new ClassificationReport(classRows(counts, names), OptionalDouble.empty(), total, averages);
    }

    private static List<Row> classRows(ClassCounts counts, List<String> names) {
        List<Row> rows = new ArrayList<>(names.size());
        for (int c = 0; c < names.size(); c++) {
            rows.add(new Row(names.get(c), counts.scores(c), counts.support(c)));
        }
        return rows;
    }

    /** One row per class, in class order. */
    public List<Row> classRows() {
        return classRows;
    }

    /** Accuracy (single-label reports only). */
    public OptionalDouble accuracy() {
        return accuracy;
    }

    /** The average rows, in report order, without the accuracy line. */
    public List<Row> averageRows() {
        return averageRows;
    }

    /**
     * The report as data, like scikit-learn's {@code output_dict=True}: class name →
     * {precision, recall, f1-score, support}, then {@code "accuracy"} → a number (single-label),
     * then each average's name → {precision, recall, f1-score, support}. Supports are integers.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Row row : classRows) {
            map.put(row.name(), row.toMap());
        }
        accuracy.ifPresent(value -> map.put("accuracy", value));
        for (Row row : averageRows) {
            map.put(row.name(), row.toMap());
        }
        return map;
    }

    /** The text table with two decimal digits, as scikit-learn prints it. */
    public String format() {
        return format(2);
    }

    /**
     * The text table, character for character as scikit-learn's {@code classification_report}
     * with {@code digits}: names right-aligned, columns 9 wide, scores rounded half-even on their
     * exact binary value as Python's format does.
     */
    public String format(int digits) {
        if (digits < 0) {
            throw new IllegalArgumentException("digits: expected 0 or more, found " + digits);
        }
        int width = Math.max(LONGEST_SUMMARY_HEADING.length(), digits);
        for (Row row : classRows) {
            width = Math.max(width, row.name().length());
        }
        StringBuilder out = new StringBuilder();
        out.append(pad("", width)).append(' ');
        for (String header : HEADERS) {
            out.append(' ').append(pad(header, 9));
        }
        out.append("\n\n");
        for (Row row : classRows) {
            appendRow(out, row, width, digits);
        }
        out.append('\n');
        if (accuracy.isPresent()) {
            out.append(pad("accuracy", width)).append(' ');
            out.append(' ').append(pad("", 9));
            out.append(' ').append(pad("", 9));
            out.append(' ').append(pad(decimal(accuracy.getAsDouble(), digits), 9));
            out.append(' ').append(pad(Long.toString(totalSupport), 9)).append('\n');
        }
        for (Row row : averageRows) {
            appendRow(out, row, width, digits);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    private static void appendRow(StringBuilder out, Row row, int width, int digits) {
        out.append(pad(row.name(), width)).append(' ');
        out.append(' ').append(pad(decimal(row.precision(), digits), 9));
        out.append(' ').append(pad(decimal(row.recall(), digits), 9));
        out.append(' ').append(pad(decimal(row.f1(), digits), 9));
        out.append(' ').append(pad(Long.toString(row.support()), 9)).append('\n');
    }

    /** Right-aligned in {@code width} characters; never cut, as Python's {@code {:>width}}. */
    private static String pad(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }

    /** As Python's {@code format(value, ".{digits}f")}: the exact binary value rounded half-even. */
    static String decimal(double value, int digits) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String text = new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        // Python keeps the sign of a negative value that rounds to zero ("-0.00")
        if ((value < 0 || (value == 0 && 1 / value < 0)) && !text.startsWith("-")) {
            text = "-" + text;
        }
        return text;
    }
}
