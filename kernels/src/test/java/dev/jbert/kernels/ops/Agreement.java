package dev.jbert.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/**
 * How a kernel's result is compared with the CPU engine's: every value finite first (NaN or ∞
 * never passes), then the relative error ‖gpu − cpu‖₂ / ‖cpu‖₂ under a tolerance, or bit for bit.
 * Every message names the quantity and the case (seed, shape, device), so a failure can be
 * replayed.
 */
final class Agreement {
    /** float32 kernels against the float32 CPU engine (different summation order only). */
    static final double FP32 = 1e-5;
    /** tf32 tensor-core GEMMs (10-bit mantissa inputs). */
    static final double TF32 = 5e-3;
    /** bf16 tensor-core GEMMs (7-bit mantissa inputs). */
    static final double BF16 = 2e-2;

    /** The base seed of every test; {@code -Djbert.ops.seed=N} replays or varies them. */
    static final long BASE_SEED = Long.getLong("jbert.ops.seed", 20_250_611L);

    private Agreement() {
    }

    static double tolerance(Precision p) {
        return switch (p) {
            case FP32 -> FP32;
            case TF32 -> TF32;
            case BF16 -> BF16;
        };
    }

    /** The seed of case {@code salt} of a test. */
    static long seed(long salt) {
        return BASE_SEED * 1_000_003L + salt;
    }

    /** n values uniform in [−scale, scale). */
    static float[] uniform(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** n values ~ N(mean, sd²). */
    static float[] gaussian(SplittableRandom r, int n, double mean, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box–Muller: two normal values from two uniforms
            double u = 1 - r.nextDouble();
            double v = r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(u));
            a[i] = (float) (mean + sd * rad * Math.cos(2 * Math.PI * v));
            if (i + 1 < n) {
                a[i + 1] = (float) (mean + sd * rad * Math.sin(2 * Math.PI * v));
            }
        }
        return a;
    }

    static void assertFinite(String what, float[] a, String context) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                fail(what + "[" + i + "] = " + a[i] + " is not finite (" + context + ")");
            }
        }
    }

    /** ‖gpu − cpu‖₂ / ‖cpu‖₂, or ‖gpu‖₂ when cpu is all zero. */
    static double relativeError(float[] gpu, float[] cpu) {
        if (gpu.length != cpu.length) {
            throw new IllegalArgumentException(gpu.length + " values against " + cpu.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < gpu.length; i++) {
            double d = (double) gpu[i] - cpu[i];
            diff += d * d;
            norm += (double) cpu[i] * cpu[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** Both finite, then relative error ≤ tol. */
    static void assertClose(String what, float[] gpu, float[] cpu, double tol, String context) {
        assertFinite("cpu " + what, cpu, context);
        assertFinite("gpu " + what, gpu, context);
        double err = relativeError(gpu, cpu);
        assertTrue(err <= tol, () -> what + ": relative error " + String.format("%.3e", err) + " > "
                + String.format("%.0e", tol) + " (" + context + ")" + firstDifference(gpu, cpu));
    }

    /** Scalar version of {@link #assertClose}. */
    static void assertClose(String what, float gpu, float cpu, double tol, String context) {
        assertClose(what, new float[] {gpu}, new float[] {cpu}, tol, context);
    }

    /** The same bits everywhere (NaNs compare equal to each other, whatever their payload). */
    static void assertBitExact(String what, float[] gpu, float[] cpu, String context) {
        if (gpu.length != cpu.length) {
            fail(what + ": " + gpu.length + " values against " + cpu.length + " (" + context + ")");
        }
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < gpu.length; i++) {
            if (Float.floatToIntBits(gpu[i]) != Float.floatToIntBits(cpu[i])) {
                if (first < 0) {
                    first = i;
                }
                mismatches++;
            }
        }
        if (mismatches > 0) {
            int i = first;
            fail(what + ": " + mismatches + " of " + gpu.length + " values differ in their bits, first at [" + i
                    + "]: gpu " + gpu[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(gpu[i])) + "), cpu "
                    + cpu[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(cpu[i])) + ") (" + context + ")");
        }
    }

    private static String firstDifference(float[] gpu, float[] cpu) {
        int worst = -1;
        double worstDiff = -1;
        for (int i = 0; i < gpu.length; i++) {
            double d = Math.abs((double) gpu[i] - cpu[i]);
            if (d > worstDiff) {
                worstDiff = d;
                worst = i;
            }
        }
        return worst < 0 ? "" : "; largest difference at [" + worst + "]: gpu " + gpu[worst] + ", cpu " + cpu[worst];
    }
}
