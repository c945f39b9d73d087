package dev.jbert.trainer.data;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import java.util.List;

/**
 * What the starting model's {@code config.json} already says about labels: its {@code id2label}
 * names (in id order) and its {@code problem_type}. Names that are all Hugging Face's defaults
 * ({@code LABEL_0}, {@code LABEL_1}, ...) say only how many labels there are.
 *
 * @param names       label names in id order; empty when unknown
 * @param problemType the configured problem type, or null
 */
public record KnownLabels(List<String> names, ProblemType problemType) {

    public KnownLabels {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /** Nothing known: everything is decided by the data. */
    public static KnownLabels none() {
        return new KnownLabels(List.of(), null);
    }

    /** The labels of a model's config. */
    public static KnownLabels of(ModelConfig config) {
        return new KnownLabels(config.labels(), config.problemType());
    }

    /** True when there are names and they are not all {@code LABEL_i} (Hugging Face's defaults). */
    public boolean named() {
        return !names.isEmpty() && !isDefault(names);
    }

    /** True when the names are exactly {@code LABEL_0 .. LABEL_{L-1}}. */
    public static boolean isDefault(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals("LABEL_" + i)) {
                return false;
            }
        }
        return true;
    }
}
