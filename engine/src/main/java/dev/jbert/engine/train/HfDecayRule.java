package dev.jbert.engine.train;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hugging Face Trainer's weight-decay grouping by parameter name
 * ({@code Trainer.get_decay_parameter_names}, transformers 4.57): a parameter is left out of
 * weight decay when its lower-cased full name matches one of
 * {@code bias}, {@code layernorm}, {@code rmsnorm}, {@code (^|\.)norm($|\.)} or
 * {@code _norm($|\.)} anywhere — so every bias, BERT's {@code LayerNorm.weight/bias} and
 * DistilBERT's {@code sa_layer_norm} / {@code output_layer_norm} parameters.
 *
 * <p>HF also excludes every parameter of an {@code nn.LayerNorm} module whatever its name;
 * by name alone that is covered for all BERT and DistilBERT names (which this is checked
 * against), not for a LayerNorm module named otherwise.
 */
public final class HfDecayRule {
    private static final Pattern[] NO_DECAY = {
            Pattern.compile("bias"),
            Pattern.compile("layernorm"),
            Pattern.compile("rmsnorm"),
            Pattern.compile("(?:^|\\.)norm(?:$|\\.)"),
            Pattern.compile("_norm(?:$|\\.)"),
    };

    private HfDecayRule() {
    }

    /** Whether weight decay applies to the parameter of this Hugging Face state-dict name. */
    public static boolean decays(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Pattern p : NO_DECAY) {
            if (p.matcher(lower).find()) {
                return false;
            }
        }
        return true;
    }
}
