package dev.jbert.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * What was read from a data file, for the progress report on stderr and the JSON result: rows kept,
 * rows skipped with the first few reasons, the problem type and the rows per label.
 *
 * @param source       the file
 * @param rows         good rows kept
 * @param skipped      bad rows left out
 * @param firstReasons the first few bad rows, each {@code file line N: reason}
 * @param problemType  Hugging Face's name of the problem type, or null for unlabelled data
 * @param labelCounts  rows per label name, in id order (rows with the label, for multi-label); empty
 *                     for regression and unlabelled data
 */
public record DataSummary(String source, int rows, int skipped, List<String> firstReasons, String problemType,
                          Map<String, Integer> labelCounts) {

    public DataSummary {
        firstReasons = List.copyOf(firstReasons);
        labelCounts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labelCounts));
    }

    public static DataSummary of(DataSet data) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        String type = null;
        if (data.labelled()) {
            type = data.problemType().hfName();
            if (data.problemType() != dev.jbert.engine.config.ProblemType.REGRESSION) {
                int[] c = data.labelCounts();
                for (int i = 0; i < c.length; i++) {
                    counts.put(data.labelSet().name(i), c[i]);
                }
            }
        }
        return new DataSummary(data.source(), data.size(), data.badRows().skipped(), data.badRows().firstReasons(),
                type, counts);
    }

    /** Human lines: {@code train.csv: 67349 rows, single_label_classification, 0: 29780, 1: 37569}, then skips. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder(source).append(": ").append(rows).append(rows == 1 ? " row" : " rows");
        if (problemType != null) {
            sb.append(", ").append(problemType);
        }
        if (!labelCounts.isEmpty()) {
            sb.append(" (");
            int k = 0;
            for (Map.Entry<String, Integer> e : labelCounts.entrySet()) {
                sb.append(k++ == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
            }
            sb.append(')');
        }
        out.add(sb.toString());
        if (skipped > 0) {
            out.add("  skipped " + skipped + (skipped == 1 ? " bad row" : " bad rows") + ", first:");
            for (String r : firstReasons) {
                out.add("    " + r);
            }
        }
        return out;
    }
}
