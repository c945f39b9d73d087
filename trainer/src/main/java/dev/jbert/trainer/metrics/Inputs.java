package dev.jbert.trainer.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks on metric inputs. A bad input raises an {@link IllegalArgumentException} whose message
 * names the array and the row, what was expected and what was found.
 */
final class Inputs {
    private Inputs() {
    }

    static void requireRows(String what, int rows) {
        if (rows == 0) {
            throw new IllegalArgumentException(what + ": expected at least one example, found none");
        }
    }

    static void requireSameLength(String first, int firstLength, String second, int secondLength) {
        if (firstLength != secondLength) {
            throw new IllegalArgumentException(second + " has " + secondLength + " rows but " + first
                    + " has " + firstLength + ": expected one row per example");
        }
    }

    /** Every label 0 or 1. */
    static void requireBinary(String what, int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + labels[i] + ": expected 0 or 1");
            }
        }
    }

    static void requireFinite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + values[i] + ": expected a finite number");
            }
        }
    }

    static void requireFinite(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + values[i] + ": expected a finite number");
            }
        }
    }

    /** A matrix of {@code rows} rows of {@code columns} finite numbers each. */
    static void requireMatrix(String what, float[][] values, int columns) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].length != columns) {
                throw new IllegalArgumentException(what + "[" + i + "] has "
                        + (values[i] == null ? "no" : Integer.toString(values[i].length))
                        + " columns: expected " + columns + ", one per label");
            }
            for (int j = 0; j < columns; j++) {
                if (!Float.isFinite(values[i][j])) {
                    throw new IllegalArgumentException(what + "[" + i + "][" + j + "] = " + values[i][j]
                            + ": expected a finite number");
                }
            }
        }
    }

    /** A matrix of {@code rows} rows of {@code columns} labels, each 0 or 1. */
    static void requireIndicatorMatrix(String what, int[][] values, int columns) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].length != columns) {
                throw new IllegalArgumentException(what + "[" + i + "] has "
                        + (values[i] == null ? "no" : Integer.toString(values[i].length))
                        + " columns: expected " + columns + ", one per label");
            }
            for (int j = 0; j < columns; j++) {
                if (values[i][j] != 0 && values[i][j] != 1) {
                    throw new IllegalArgumentException(what + "[" + i + "][" + j + "] = " + values[i][j]
                            + ": expected 0 or 1");
                }
            }
        }
    }

    /**
     * The label names, or "0", "1", … where {@code names} is null, as scikit-learn names classes
     * by their labels. Names must be distinct: they are keys of the per-class report.
     */
    static List<String> labelNames(List<String> names, int labels) {
        if (names == null) {
            List<String> generated = new ArrayList<>(labels);
            for (int c = 0; c < labels; c++) {
                generated.add(Integer.toString(c));
            }
            return List.copyOf(generated);
        }
        if (names.size() != labels) {
            throw new IllegalArgumentException("label names: expected " + labels + " (one per score column), found "
                    + names.size() + " " + names);
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || !seen.add(name)) {
                throw new IllegalArgumentException("label names: expected distinct, non-null names, found "
                        + (name == null ? "null" : "'" + name + "' twice") + " in " + names);
            }
        }
        return List.copyOf(names);
    }
}
