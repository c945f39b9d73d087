package dev.jbert.trainer.data;

import dev.jbert.engine.config.ProblemType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The labels a classifier learns: the problem type and the label names in id order, which become
 * the model's {@code id2label}/{@code label2id}. Regression has one output, named {@code LABEL_0}
 * unless the model names it.
 *
 * @param problemType how the labels are learnt
 * @param names       label names, index = id; one name for regression
 * @param fromModel   the names (and ids) are the starting model's, not numbered from the data
 */
public record LabelSet(ProblemType problemType, List<String> names, boolean fromModel) {

    public LabelSet {
        Objects.requireNonNull(problemType, "problemType");
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a label set needs at least one label");
        }
        if (problemType == ProblemType.REGRESSION && names.size() != 1) {
            throw new IllegalArgumentException("regression has one output, got " + names.size() + " label names");
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("label names must be distinct: " + names);
        }
    }

    /** L: the number of model outputs (1 for regression). */
    public int numLabels() {
        return names.size();
    }

    public String name(int id) {
        return names.get(id);
    }

    /** The id of a name, or -1. */
    public int id(String name) {
        return names.indexOf(name);
    }

    /** {@code id2label}: id to name, in id order. */
    public Map<Integer, String> id2label() {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(i, names.get(i));
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@code label2id}: name to id, in id order. */
    public Map<String, Integer> label2id() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return Collections.unmodifiableMap(m);
    }

    /** A regression label set ({@code num_labels = 1}). */
    public static LabelSet regression() {
        return new LabelSet(ProblemType.REGRESSION, List.of("LABEL_0"), false);
    }

    @Override
    public String toString() {
        return problemType.hfName() + " " + names;
    }
}
