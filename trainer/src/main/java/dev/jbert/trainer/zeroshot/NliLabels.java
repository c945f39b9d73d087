package dev.jbert.trainer.zeroshot;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ModelConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which outputs of an NLI model mean entailment and contradiction, found in its {@code label2id}
 * as Hugging Face's zero-shot pipeline finds them: the first name (in id order) that starts with
 * {@code entail}, case-insensitively, is entailment; the first that starts with {@code contradict}
 * is contradiction. A model whose labels name no entailment cannot be used for zero-shot
 * classification and is refused.
 *
 * <p>Contradiction is only needed for multi-label scoring (and for a single candidate label). When
 * no name starts with {@code contradict} and the model has two labels (e.g.
 * {@code entailment / not_entailment}), the other label stands for it, which is what the pipeline's
 * own rule ({@code contradiction_id = -1 if entailment_id == 0 else 0}) picks for two labels; with
 * three or more labels and no contradiction name, multi-label scoring is refused rather than
 * guessed.
 *
 * @param entailment    the entailment output
 * @param contradiction the contradiction output, or -1 when the model names none
 * @param names         the model's label names, in id order (for messages)
 */
public record NliLabels(int entailment, int contradiction, List<String> names) {

    /** The NLI labels of a model config, or a UserException naming the config and its labels. */
    public static NliLabels of(ModelConfig config) {
        Map<String, Integer> label2id = config.label2id();
        int entail = find(label2id, "entail");
        if (entail < 0) {
            throw new UserException(config.source() + ": the model's labels " + config.labels()
                    + " name no entailment; zero-shot classification needs an NLI model whose id2label has a label "
                    + "starting with 'entail' (and one starting with 'contradict'), e.g. "
                    + "{\"0\": \"entailment\", \"1\": \"neutral\", \"2\": \"contradiction\"}");
        }
        int contra = find(label2id, "contradict");
        if (contra < 0 && config.numLabels() == 2) {
            contra = 1 - entail;
        }
        return new NliLabels(entail, contra, config.labels());
    }

    /** True when {@link #of} would accept the model (e.g. to offer zero-shot classification for it). */
    public static boolean isNli(ModelConfig config) {
        return find(config.label2id(), "entail") >= 0;
    }

    /** The contradiction output, or a UserException saying why multi-label scoring needs one. */
    public int requireContradiction() {
        if (contradiction < 0) {
            throw new UserException("multi-label zero-shot scoring (and a single candidate label) compares entailment "
                    + "with contradiction, but the model's labels " + names + " name no contradiction (expected a "
                    + "label starting with 'contradict')");
        }
        return contradiction;
    }

    private static int find(Map<String, Integer> label2id, String prefix) {
        for (Map.Entry<String, Integer> e : label2id.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return e.getValue();
            }
        }
        return -1;
    }
}
