package dev.jbert.kernels.ops;

import java.util.Locale;

/**
 * How the linear layers' products are computed on the GPU ({@code --precision}). Weights,
 * gradients and optimizer state stay float32 in every mode; only the GEMM inputs are rounded.
 */
public enum Precision {
    /** float32 on CUDA cores ({@code gemm_f32.ptx}). */
    FP32("f32"),
    /** tf32 tensor cores, float32 accumulation ({@code gemm_tc.ptx}). */
    TF32("tf32"),
    /** bf16 tensor cores, float32 accumulation ({@code gemm_tc.ptx}). */
    BF16("bf16");

    private final String suffix;

    Precision(String suffix) {
        this.suffix = suffix;
    }

    /** The entry-point suffix: {@code linear_forward_<suffix>}. */
    public String suffix() {
        return suffix;
    }

    /** The PTX module holding this precision's GEMMs. */
    public String module() {
        return this == FP32 ? "gemm_f32" : "gemm_tc";
    }

    /** Parses {@code fp32}, {@code tf32} or {@code bf16} (any case). */
    public static Precision parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "f32", "float32" -> FP32;
            case "tf32" -> TF32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("--precision: expected fp32, tf32 or bf16, found '" + s + "'");
        };
    }
}
