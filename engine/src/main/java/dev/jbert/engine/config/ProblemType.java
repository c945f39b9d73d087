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
}
