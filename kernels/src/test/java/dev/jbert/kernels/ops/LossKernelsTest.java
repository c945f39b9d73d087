package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.FP32;
import static dev.jbert.kernels.ops.Agreement.assertClose;
import static dev.jbert.kernels.ops.Agreement.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.BCEWithLogitsLoss;
import dev.jbert.engine.train.CrossEntropyLoss;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.MSELoss;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused losses (mean loss into device memory, scaled gradient of the logits) against
 * {@link CrossEntropyLoss}, {@link BCEWithLogitsLoss} and {@link MSELoss}: class weights and
 * ignored rows, pos_weight and soft targets, a gradient scale, more labels than a warp has lanes,
 * more elements than the block has threads, and forward only.
 */
class LossKernelsTest {
    private static final int IGNORE = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;

    /** B rows of L logits; weighted: class weights / pos_weight; gradScale; grad: compute dlogits. */
    record Case(int b, int l, boolean weighted, double gradScale, boolean grad) {
        @Override
        public String toString() {
            return "B=" + b + " L=" + l + (weighted ? " weighted" : "") + " gradScale=" + gradScale
                    + (grad ? "" : " forward only");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(37, 3, false, 1, true),
            new Case(37, 45, true, 0.25, true),
            new Case(300, 2, true, 1, false),
            new Case(1, 1, false, 1, true));

    static Stream<Arguments> cases() {
        return TestDevices.onEveryTarget(CASES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void crossEntropyMatchesCpu(Target target, Case c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(800 + index);
        String context = "seed " + seed + ", " + c + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = gaussian(r, c.b() * c.l(), 0, 3);
        int[] labels = new int[c.b()];
        for (int i = 0; i < c.b(); i++) {
            // every seventh row is left out, except in a batch of one
            labels[i] = c.b() > 1 && i % 7 == 3 ? IGNORE : r.nextInt(c.l());
        }
        float[] weights = null;
        if (c.weighted()) {
            weights = new float[c.l()];
            for (int j = 0; j < c.l(); j++) {
                weights[j] = (float) (0.2 + 2 * r.nextDouble());
            }
        }
        Tensor dl = c.grad() ? Tensor.zeros(c.b(), c.l()) : null;
        float loss = new CrossEntropyLoss(weights, IGNORE).forward(new Tensor(logits.clone(), c.b(), c.l()),
                new Labels.Classes(labels), dl, c.gradScale());
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dLoss = d.floats(1);
            long dGrad = c.grad() ? d.floats(logits.length) : 0;
            gk.crossEntropy(d.of(logits), d.of(labels), weights == null ? 0 : d.of(weights), dLoss, dGrad,
                    c.b(), c.l(), IGNORE, c.gradScale());
            assertClose("loss", d.read(dLoss, 1)[0], loss, FP32, context);
            if (c.grad()) {
                assertClose("dlogits", d.read(dGrad, logits.length), dl.data(), FP32, context);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void crossEntropyOfAllIgnoredRowsIsNanLikeCpu(Target target) {
        GpuKernels gk = TestDevices.kernels(target);
        int b = 3;
        int l = 4;
        float[] logits = new float[b * l];
        int[] labels = {IGNORE, IGNORE, IGNORE};
        Tensor dl = Tensor.zeros(b, l);
        float loss = new CrossEntropyLoss().forward(new Tensor(logits, b, l), new Labels.Classes(labels), dl, 1);
        assertTrue(Float.isNaN(loss), "the CPU's loss of a batch with every row ignored: " + loss);
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dLoss = d.floats(1);
            long dGrad = d.of(new float[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
            gk.crossEntropy(d.of(logits), d.of(labels), 0, dLoss, dGrad, b, l, IGNORE, 1);
            float got = d.read(dLoss, 1)[0];
            assertTrue(Float.isNaN(got), "gpu loss of a batch with every row ignored: " + got + " (" + target + ")");
            Agreement.assertBitExact("dlogits of ignored rows", d.read(dGrad, b * l), dl.data(), target.toString());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void bceWithLogitsMatchesCpu(Target target, Case c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(820 + index);
        String context = "seed " + seed + ", " + c + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        int n = c.b() * c.l();
        float[] logits = gaussian(r, n, 0, 4);
        float[] targets = new float[n];
        for (int i = 0; i < n; i++) {
            // hard labels, with a few soft ones
            targets[i] = i % 5 == 0 ? (float) r.nextDouble() : r.nextBoolean() ? 1f : 0f;
        }
        float[] posWeight = null;
        if (c.weighted()) {
            posWeight = new float[c.l()];
            for (int j = 0; j < c.l(); j++) {
                posWeight[j] = (float) (0.5 + 3 * r.nextDouble());
            }
        }
        Tensor dl = c.grad() ? Tensor.zeros(c.b(), c.l()) : null;
        float loss = new BCEWithLogitsLoss(posWeight).forward(new Tensor(logits.clone(), c.b(), c.l()),
                new Labels.Targets(targets), dl, c.gradScale());
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dLoss = d.floats(1);
            long dGrad = c.grad() ? d.floats(n) : 0;
            gk.bceWithLogits(d.of(logits), d.of(targets), posWeight == null ? 0 : d.of(posWeight), dLoss, dGrad,
                    c.b(), c.l(), c.gradScale());
            assertClose("loss", d.read(dLoss, 1)[0], loss, FP32, context);
            if (c.grad()) {
                assertClose("dlogits", d.read(dGrad, n), dl.data(), FP32, context);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void mseMatchesCpu(Target target, Case c, int index) {
        GpuKernels gk = TestDevices.kernels(target);
        long seed = Agreement.seed(840 + index);
        String context = "seed " + seed + ", " + c + ", " + target;
        SplittableRandom r = new SplittableRandom(seed);
        int n = c.b() * c.l();
        float[] x = gaussian(r, n, 0, 2);
        float[] y = gaussian(r, n, 0.5, 2);
        Tensor dl = c.grad() ? Tensor.zeros(c.b(), c.l()) : null;
        float loss = new MSELoss().forward(new Tensor(x.clone(), c.b(), c.l()), new Labels.Targets(y), dl, c.gradScale());
        try (DeviceBuffers d = new DeviceBuffers(gk.device())) {
            long dLoss = d.floats(1);
            long dGrad = c.grad() ? d.floats(n) : 0;
            gk.mse(d.of(x), d.of(y), dLoss, dGrad, n, c.gradScale());
            assertClose("loss", d.read(dLoss, 1)[0], loss, FP32, context);
            if (c.grad()) {
                assertClose("dx", d.read(dGrad, n), dl.data(), FP32, context);
            }
        }
    }
}
