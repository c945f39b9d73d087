package dev.jbert.cli;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.backend.BackendOptions;
import dev.jbert.engine.backend.Backends;
import picocli.CommandLine.Option;

/**
 * Where a command computes and in what precision: {@code --device cpu|cuda|cuda:N} and
 * {@code --precision fp32|tf32|bf16}, with Hugging Face {@code TrainingArguments}' {@code --bf16} and
 * {@code --tf32} flags as shortcuts (also as {@code bf16: true} in a {@code train --config} file). A
 * picocli mixin; {@link #backend()} resolves them.
 *
 * <p>The precision is that of the linear layers' products on the GPU; weights, gradients and
 * optimizer state stay float32, and the CPU computes in float32 only. As in Hugging Face, when both
 * {@code --bf16} and {@code --tf32} are set the products run in bf16 ({@code tf32} would only cover
 * what autocast leaves in float32, and nothing is left here).
 */
public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", defaultValue = "cpu",
            description = "Where to compute: cpu, or cuda (cuda:N for the N-th GPU) (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--precision", paramLabel = "fp32|tf32|bf16",
            description = "Inputs of the matrix products on the GPU: fp32 (default), or tf32 / bf16 tensor cores;"
                    + " weights and optimizer state stay float32. The CPU computes in fp32.")
    String precision;

    @Option(names = "--bf16", description = "Same as --precision bf16 (HF TrainingArguments' bf16).")
    boolean bf16;

    @Option(names = "--tf32", description = "Same as --precision tf32 (HF TrainingArguments' tf32).")
    boolean tf32;

    /** The device name as given. */
    public String device() {
        return device;
    }

    /** The precision asked for ({@code --precision}, {@code --bf16}, {@code --tf32}), or null for the default. */
    public String precision() {
        String flag = bf16 ? "bf16" : tf32 ? "tf32" : null;
        if (precision == null) {
            return flag;
        }
        if (flag != null && !flag.equals(BackendOptions.canonicalPrecision(precision))) {
            throw new UserException("--precision " + precision + " contradicts --" + flag + ": give one of them");
        }
        return precision;
    }

    /**
     * The backend: one clear line (exit status 2) when the device is unknown or absent, or the
     * precision unknown or not available on it.
     */
    public Backend backend() {
        return Backends.byName(device, precision());
    }
}
