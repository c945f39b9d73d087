package dev.jbert.engine.config;

/** The architectures the engine runs, under Hugging Face's {@code model_type} names. */
public enum ModelType {
    BERT("bert"),
    DISTILBERT("distilbert");

    private final String hfName;

    ModelType(String hfName) {
        this.hfName = hfName;
    }

    /** The {@code model_type} value in {@code config.json}. */
    public String hfName() {
        return hfName;
    }

    /** The type with this {@code model_type}, or null. */
    public static ModelType fromHfName(String name) {
        for (ModelType t : values()) {
            if (t.hfName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
