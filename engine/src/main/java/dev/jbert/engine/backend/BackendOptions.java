package dev.jbert.engine.backend;

import java.util.List;
import java.util.Locale;

/**
 * What the user asked of a backend besides its name: which device of its kind ({@code cuda:1} is
 * index 1) and the compute precision of the linear layers ({@code --precision}).
 *
 * <p>Precision names are the command line's: {@code fp32} (also {@code f32}, {@code float32}),
 * {@code tf32}, {@code bf16} (also {@code bfloat16}); they are stored in that canonical spelling.
 * A null precision means the backend's default. Weights, gradients and optimizer state stay float32
 * in every mode; only the products' inputs are rounded.
 *
 * @param deviceIndex which device of the kind, 0 for the first
 * @param precision   {@code fp32}, {@code tf32}, {@code bf16}, or null for the backend's default
 */
public record BackendOptions(int deviceIndex, String precision) {
    /** The precisions {@code --precision} accepts, in their canonical spelling. */
    public static final List<String> PRECISIONS = List.of("fp32", "tf32", "bf16");

    /** The first device in the backend's default precision. */
    public static final BackendOptions DEFAULT = new BackendOptions(0, null);

    public BackendOptions {
        if (deviceIndex < 0) {
            throw new IllegalArgumentException("device index must be 0 or more, found " + deviceIndex);
        }
        precision = canonicalPrecision(precision);
    }

    /** The precision, or {@code fallback} when none was asked for. */
    public String precisionOr(String fallback) {
        return precision != null ? precision : fallback;
    }

    /**
     * The canonical name of a {@code --precision} value (null stays null); an unknown name is an
     * {@link IllegalArgumentException} listing the choices.
     */
    public static String canonicalPrecision(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "f32", "float32" -> "fp32";
            case "tf32" -> "tf32";
            case "bf16", "bfloat16" -> "bf16";
            default -> throw new IllegalArgumentException("--precision: expected one of fp32, tf32 or bf16, found '"
                    + name + "'");
        };
    }
}
