package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.FP32;
import static dev.jbert.kernels.ops.Agreement.assertClose;
import static dev.jbert.kernels.ops.Agreement.gaussian;
import static dev.jbert.kernels.ops.Agreement.uniform;

import dev.jbert.engine.backend.CpuBackend;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LayerNorm forward (out, mean, rstd) and backward (dx, and dγ, dβ accumulated, one slab or many
 * with the finishing reduction) against {@link CpuBackend#layerNorm} and
 * {@link CpuBackend#layerNormBackward}: rows not a multiple of the 8 rows per block, C not a
 * multiple of the 32 lanes, inputs far from zero mean, and in place (out = x, dx = dout).
 */
class LayerNormKernelsTest {
    private static final CpuBackend CPU = new CpuBackend();

    /** rows × C, eps, and whether the kernels run in place. */
    record Case(int rows, int c, float eps, boolean inPlace) {
        @Override
        public String toString() {
            return "rows=" + rows + " C=" + c + " eps=" + eps + (inPlace ? " in place" : "");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(37, 45, 1e-12f, false),
            new Case(300, 70, 1e-5f, false),
            new Case(16, 768, 1e-12f, true),
            new Case(8, 64, 1e-5f, false),
            new Case(65, 33, 1e-5f, true));

    static Stream<Arguments> cases() {
        return TestDevices.onEveryTarget(CASES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardAndBackwardMatchCpu(Target target, Case c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        int rows = c.rows();
        int n = c.c();
        long seed = Agreement.seed(600 + index);
        long partialFloats = GpuKernels.layerNormPartialFloats(rows, n);
        String context = "seed " + seed + ", " + c + ", slabs " + Math.max(1, partialFloats / (2L * n)) + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = gaussian(r, rows * n, 3, 2);
        float[] gamma = gaussian(r, n, 1, 0.3);
        float[] beta = uniform(r, n, 0.5);
        float[] dout = gaussian(r, rows * n, 0, 1);
        float[] dgamma0 = uniform(r, n, 1);
        float[] dbeta0 = uniform(r, n, 1);

        float[] out = new float[rows * n];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        CPU.layerNorm(x, rows, n, gamma, beta, c.eps(), out, mean, rstd);
        float[] dx = new float[rows * n];
        float[] dgamma = dgamma0.clone();
        float[] dbeta = dbeta0.clone();
        CPU.layerNormBackward(dout, x, rows, n, gamma, mean, rstd, dx, dgamma, dbeta);

        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dX = d.of(x);
            long dGamma = d.of(gamma);
            long dMean = d.floats(rows);
            long dRstd = d.floats(rows);
            long dOut;
            long dXin;
            if (c.inPlace()) {
                // the forward overwrites x: keep a second copy of the input for the backward
                dXin = d.of(x);
                dOut = dX;
            } else {
                dXin = dX;
                dOut = d.floats(out.length);
            }
            gk.layerNormForward(dX, dGamma, d.of(beta), dOut, dMean, dRstd, rows, n, c.eps());
            assertClose("out", d.read(dOut, out.length), out, FP32, context);
            assertClose("mean", d.read(dMean, rows), mean, FP32, context);
            assertClose("rstd", d.read(dRstd, rows), rstd, FP32, context);

            long dDout = d.of(dout);
            long dDx = c.inPlace() ? dDout : d.floats(dx.length);
            long dDgamma = d.of(dgamma0);
            long dDbeta = d.of(dbeta0);
            long partial = partialFloats > 0 ? d.floats(partialFloats) : 0;
            gk.layerNormBackward(dDout, dXin, dGamma, dMean, dRstd, dDx, dDgamma, dDbeta, partial, rows, n);
            assertClose("dx", d.read(dDx, dx.length), dx, FP32, context);
            assertClose("dgamma", d.read(dDgamma, n), dgamma, FP32, context);
            assertClose("dbeta", d.read(dDbeta, n), dbeta, FP32, context);
        }
    }
}
