package dev.jbert.kernels.ops;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.ops.Agreement.assertBitExact;
import static dev.jbert.kernels.ops.Agreement.gaussian;

import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import dev.jbert.kernels.testing.TestDevices.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer step over one flat layout (gradient norm, clip, AdamW), bit for bit against
 * {@link GradClip#clipGradNorm} and {@link AdamW#step} on a few small parameters of odd sizes,
 * one longer than a chunk, in and out of the weight-decay group, over several steps: clipping
 * active, off (max norm 0) and not needed; the coefficient applied inside AdamW or by
 * {@code grad_clip_scale} first; both branches of PyTorch's lerp (β1 = 0.9 and 0.3).
 */
class OptimizerKernelsTest {
    private static final double WEIGHT_DECAY = 0.01;
    private static final double[] LR = {1e-3, 5e-4, 2e-3, 1e-4};
    /** Max norm per step: clips, off, too large to clip, clips. */
    private static final double[] MAX_NORM = {1.0, 0.0, 1e6, 0.5};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Target target : Target.values()) {
            for (double beta1 : new double[] {0.9, 0.3}) {
                out.add(Arguments.of(target, beta1));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} beta1={1}")
    @MethodSource("cases")
    void stepsMatchGradClipAndAdamWBitForBit(Target target, double beta1) {
        GpuKernels gk = TestDevices.kernels(target);
        double beta2 = 0.999;
        double eps = 1e-8;
        long seed = Agreement.seed(1000 + (long) (beta1 * 10));
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> params = List.of(
                Parameter.weight("dense.weight", 45, 29),
                Parameter.bias("dense.bias", 45),
                Parameter.weight("embeddings.word_embeddings.weight", 70_000),
                Parameter.norm("LayerNorm.weight", 37),
                Parameter.weight("classifier.weight", 1));
        for (Parameter p : params) {
            float[] v = gaussian(r, p.data().length, 0, 0.5);
            System.arraycopy(v, 0, p.data(), 0, v.length);
        }
        long[] sizes = new long[params.size()];
        boolean[] decays = new boolean[params.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = params.get(i).data().length;
            decays[i] = params.get(i).decays();
        }
        OptimizerLayout layout = OptimizerLayout.of(sizes, decays);
        AdamW adamw = new AdamW(params, WEIGHT_DECAY, beta1, beta2, eps);

        try (DeviceBuffers d = new DeviceBuffers(gk.device());
             OptimizerLayout.OnDevice tables = layout.upload(gk.device())) {
            long total = layout.totalFloats();
            long dParams = d.floats(total);
            long dGrads = d.floats(total);
            long dExpAvg = d.floats(total);
            long dExpAvgSq = d.floats(total);
            long dPartial = d.doubles(layout.numChunks());
            long dNormAndCoef = d.floats(2);
            for (int t = 0; t < params.size(); t++) {
                d.put(at(dParams, layout, t), params.get(t).data());
            }
            for (int step = 1; step <= LR.length; step++) {
                double lr = LR[step - 1];
                double maxNorm = MAX_NORM[step - 1];
                boolean separateClip = step % 2 == 0;
                String context = "seed " + seed + ", beta1 " + beta1 + ", step " + step + ", lr " + lr + ", max norm "
                        + maxNorm + (separateClip ? ", grad_clip_scale first" : ", coefficient inside adamw_step")
                        + ", " + target;
                for (int t = 0; t < params.size(); t++) {
                    Parameter p = params.get(t);
                    float[] g = gaussian(r, p.data().length, 0, t == 2 ? 0.01 : 1);
                    System.arraycopy(g, 0, p.grad().data(), 0, g.length);
                    d.put(at(dGrads, layout, t), g);
                }

                float norm = GradClip.clipGradNorm(params, maxNorm);
                adamw.step(lr);

                gk.gradNorm(tables, dGrads, dPartial, maxNorm, dNormAndCoef);
                float[] normAndCoef = d.read(dNormAndCoef, 2);
                float coef = maxNorm > 0 && !Double.isInfinite(maxNorm)
                        ? Math.min((1.0f / (norm + 1e-6f)) * (float) maxNorm, 1.0f) : 1.0f;
                assertBitExact("global norm, clip coefficient", normAndCoef, new float[] {norm, coef}, context);
                AdamWScalars s = AdamWScalars.of(lr, beta1, beta2, eps, WEIGHT_DECAY, step);
                if (separateClip) {
                    gk.gradClipScale(tables, dGrads, dNormAndCoef + Float.BYTES);
                    for (int t = 0; t < params.size(); t++) {
                        Parameter p = params.get(t);
                        assertBitExact("clipped gradient of " + p.name(), read(d, dGrads, layout, t),
                                p.grad().data(), context);
                    }
                    gk.adamwStep(tables, dParams, dGrads, dExpAvg, dExpAvgSq, s, 0);
                } else {
                    gk.adamwStep(tables, dParams, dGrads, dExpAvg, dExpAvgSq, s, dNormAndCoef + Float.BYTES);
                }

                Map<String, Tensor> state = adamw.stateTensors();
                for (int t = 0; t < params.size(); t++) {
                    Parameter p = params.get(t);
                    assertBitExact(p.name(), read(d, dParams, layout, t), p.data(), context);
                    assertBitExact("exp_avg of " + p.name(), read(d, dExpAvg, layout, t),
                            state.get("exp_avg." + p.name()).data(), context);
                    assertBitExact("exp_avg_sq of " + p.name(), read(d, dExpAvgSq, layout, t),
                            state.get("exp_avg_sq." + p.name()).data(), context);
                }
                // the padding between tensors stays zero
                float[] all = d.read(dParams, (int) total);
                for (int t = 0; t < params.size(); t++) {
                    long end = t + 1 < params.size() ? layout.offset(t + 1) : total;
                    for (long i = layout.offset(t) + layout.size(t); i < end; i++) {
                        if (all[(int) i] != 0f) {
                            throw new AssertionError("padding float " + i + " after tensor " + t + " became "
                                    + all[(int) i] + " (" + context + ")");
                        }
                    }
                }
            }
        }
    }

    /** Device address of tensor t in a flat buffer. */
    private static long at(long buffer, OptimizerLayout layout, int t) {
        return buffer + Float.BYTES * layout.offset(t);
    }

    private static float[] read(DeviceBuffers d, long buffer, OptimizerLayout layout, int t) {
        return d.read(at(buffer, layout, t), (int) layout.size(t));
    }
}
