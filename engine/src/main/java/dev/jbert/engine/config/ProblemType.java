package dev.jbert.engine.config;

/**
 * Hugging Face's {@code problem_type}, which picks the loss of a sequence classifier:
 * cross-entropy, binary cross-entropy with logits per label, or mean squared error.
 * A config without one leaves the choice to the data, as Hugging Face does (regression
 * for one label, otherwise single-label for integer labels, multi-label for float ones).
 */
public enum ProblemType {
    SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
    MULTI_LABEL_CLASSIFICATION("multi_label_classification"),
    REGRESSION("regression");

    private final String hfName;

    ProblemType(String hfName) {
        this.hfName = hfName;
    }

    public String hfName() {
        return hfName;
    }

    /** The type with this name, or null. */
    public static ProblemType fromHfName(String name) {
        for (ProblemType t : values()) {
            if (t.hfName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type with this Hugging Face name; anything else is refused, naming the value. */
    public static ProblemType fromHf(String name) {
        for (ProblemType t : values()) {
            if (t.hfName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("problem_type: expected one of \"single_label_classification\", "
                + "\"multi_label_classification\", \"regression\", found "
                + (name == null ? "null" : "\"" + name + "\""));
    }

    /**
     * The problem type as Hugging Face's {@code *ForSequenceClassification.forward} settles it:
     * the configured {@code problem_type} when there is one; otherwise regression when
     * {@code num_labels == 1}, single-label classification when the labels are integers
     * ({@code torch.long} / {@code torch.int}), multi-label classification else.
     *
     * @param hfProblemType {@code config.problem_type}, or null when unset
     */
    public static ProblemType resolve(String hfProblemType, int numLabels, boolean integerLabels) {
        if (hfProblemType != null) {
            return fromHf(hfProblemType);
        }
        if (numLabels < 1) {
            throw new IllegalArgumentException("num_labels: expected at least 1, found " + numLabels);
        }
        if (numLabels == 1) {
            return REGRESSION;
        }
        return integerLabels ? SINGLE_LABEL_CLASSIFICATION : MULTI_LABEL_CLASSIFICATION;
    }
}
