package dev.jbert.kernels.model;

import dev.jbert.kernels.testing.TestDevices;
import static dev.jbert.kernels.model.TinyModels.B;
import static dev.jbert.kernels.model.TinyModels.T;
import static dev.jbert.kernels.model.TinyModels.assertRelative;
import static dev.jbert.kernels.model.TinyModels.norm;
import static dev.jbert.kernels.model.TinyModels.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.testing.TestDevices.Target;
import dev.jbert.kernels.ops.GpuKernels;
import dev.jbert.kernels.ops.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The device classifier against the CPU {@link SequenceClassifier}, step for step, on the emulator
 * and on a GPU: logits in evaluation and in training (dropout at every site: the same masks from
 * the same seed and counter), every parameter gradient, the global gradient norm and clipping,
 * AdamW, a short training run, the optimizer state it hands back, resuming from it, and the
 * tensor-core precisions. BERT (token types, pooler, dropout after the attention projection) and
 * DistilBERT (sinusoidal positions, pre-classifier with ReLU), three losses.
 *
 * <p>Tolerances: float32 logits 1e-5 relative (‖Δ‖/‖cpu‖; the kernels sum in another order and
 * use expf where the CPU uses its own exp); gradients 1e-4 relative per tensor; the gradient norm
 * 1e-6 relative against {@code GradClip} over the device's own gradients (the same formula) and
 * 1e-5 against the CPU's; parameters 1e-5 absolute after one AdamW step, 1e-4 after five; per-step
 * losses 1e-4 relative. The attention key bias has a gradient that is zero but for rounding noise
 * (softmax does not see a constant added to every score): its gradient is compared absolutely,
 * and its moments not at all. AdamW, which divides by √v̂ + 1e-8, turns such noise into updates of
 * up to lr: parameters whose gradients stayed below 1e-7 (the key bias, and the rare element whose
 * gradient happens to be ~0) are held to 2·lr per step (see {@link #compareParameters}).
 */
class DeviceClassifierParityTest {
    private static final long WEIGHT_SEED = 11;
    private static final long DROPOUT_SEED = 20_250_611L;
    private static final double LR = 1e-3;
    private static final double WEIGHT_DECAY = 0.01;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void bertSingleLabelTrainsLikeTheCpu(Target target) {
        trainLikeCpu(target, ModelType.BERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false, 5, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void distilbertSinusoidalMultiLabelTrainsLikeTheCpu(Target target) {
        trainLikeCpu(target, ModelType.DISTILBERT, ProblemType.MULTI_LABEL_CLASSIFICATION, true, 5, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void regressionHeadsTrainLikeTheCpu(Target target) {
        trainLikeCpu(target, ModelType.DISTILBERT, ProblemType.REGRESSION, false, 2, false);
        trainLikeCpu(target, ModelType.BERT, ProblemType.REGRESSION, false, 2, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void tensorCoreLogitsStayCloseToFloat32(Target target) {
        ModelConfig cfg = TinyModels.config(ModelType.BERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false);
        SequenceClassifier cpu = TinyModels.model(cfg, WEIGHT_SEED);
        ModelInput in = TinyModels.batch(ModelType.BERT, 3);
        RunContext eval = new RunContext(Backends.cpu());
        float[] want = Arrays.copyOf(cpu.forward(eval, in, null), B * cfg.numLabels());
        for (Precision p : new Precision[] {Precision.TF32, Precision.BF16}) {
            try (DeviceClassifier dev = DeviceClassifier.create(TestDevices.device(target), TestDevices.kernels(target),
                    p, TinyModels.model(cfg, WEIGHT_SEED), B, T)) {
                double tol = p == Precision.TF32 ? 5e-3 : 3e-2;
                float[] got = dev.forward(eval, in);
                assertRelative(target + " " + p + " logits", got, want, tol);
                assertTrue(relativeError("", got, want) > 0, p + " logits should differ from float32 (rounded inputs)");
            }
        }
    }

    /**
     * One training step (dropout on) with bf16 products, the attention's included (the bf16
     * tensor-core attention kernels), against the float32 CPU step: the logits within 3e-2, every
     * gradient tensor within 5e-2 relative (the key bias, pure rounding noise, within 1e-2 of the
     * total norm) and the global gradient norm within 1e-2 (on the emulator: logits 8e-3, gradients
     * at most 1.4e-2, the norm 1.1e-3).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")
    void bf16GradientsStayCloseToFloat32(Target target) {
        ModelConfig cfg = TinyModels.config(ModelType.BERT, ProblemType.SINGLE_LABEL_CLASSIFICATION, false);
        SequenceClassifier cpu = TinyModels.model(cfg, WEIGHT_SEED);
        ModelInput in = TinyModels.batch(ModelType.BERT, 3);
        Labels y = TinyModels.labels(ProblemType.SINGLE_LABEL_CLASSIFICATION);
        Loss loss = Loss.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION);
        int l = cfg.numLabels();
        RunContext ctx = new RunContext(Backends.cpu()).training(true).keepForBackward(true).seed(DROPOUT_SEED)
                .counter(100);
        try (DeviceClassifier dev = DeviceClassifier.create(TestDevices.device(target), TestDevices.kernels(target),
                Precision.BF16, TinyModels.model(cfg, WEIGHT_SEED), B, T)) {
            String at = target + " bf16 training step";
            float[] cpuLogits = Arrays.copyOf(cpu.forward(ctx, in, null), B * l);
            float[] devLogits = dev.forward(ctx, in);
            assertRelative(at + ": training logits", devLogits, cpuLogits, 3e-2);
            Tensor cpuD = new Tensor(new float[B * l], B, l);
            Tensor devD = new Tensor(new float[B * l], B, l);
            loss.forward(new Tensor(cpuLogits, B, l), y, cpuD);
            loss.forward(new Tensor(devLogits, B, l), y, devD);
            cpu.backward(ctx, cpuD.data());
            dev.backward(ctx, devD.data());
            Map<String, float[]> grads = dev.gradientsToHost();
            double total = GradClip.globalNorm(cpu.parameters());
            for (Parameter p : cpu.parameters()) {
                if (!p.trainable()) {
                    continue;
                }
                float[] got = grads.get(p.name());
                assertNotNull(got, at + ": no device gradient for " + p.name());
                float[] want = p.grad().data();
                if (isKeyBias(p.name())) {
                    double noise = norm(got);
                    assertTrue(Float.isFinite((float) noise) && noise <= 1e-2 * total,
                            at + ": " + p.name() + " gradient should be rounding noise, ‖device‖ = " + noise);
                } else {
                    double e = relativeError(p.name(), got, want);
                    assertTrue(e <= 5e-2, at + ": gradient of " + p.name() + ", ‖device − cpu‖/‖cpu‖ = " + e);
                }
            }
            double devNorm = dev.clipGradNorm(Double.MAX_VALUE);
            assertTrue(Math.abs(devNorm - total) <= 1e-2 * total,
                    at + ": gradient norm " + devNorm + " on the device, " + total + " on the CPU");
        }
    }

    /**
     * Evaluation logits, then {@code steps} training steps on CPU and device side by side (the same
     * batch, dropout seed and counters), checking everything at the first step and the loss at each.
     */
    private static void trainLikeCpu(Target target, ModelType type, ProblemType problem, boolean sinusoidal, int steps,
                                     boolean resume) {
        Device device = TestDevices.device(target);
        GpuKernels kernels = TestDevices.kernels(target);
        ModelConfig cfg = TinyModels.config(type, problem, sinusoidal);
        SequenceClassifier cpu = TinyModels.model(cfg, WEIGHT_SEED);
        SequenceClassifier host = TinyModels.model(cfg, WEIGHT_SEED);
        ModelInput in = TinyModels.batch(type, 3);
        Labels y = TinyModels.labels(problem);
        Loss loss = Loss.forProblem(problem);
        int l = cfg.numLabels();
        String where = target + " " + type + " " + problem + (sinusoidal ? " (sinusoidal positions)" : "");
        AdamW cpuOpt = new AdamW(cpu.parameters(), WEIGHT_DECAY);
        AdamW devOpt = new AdamW(host.parameters(), WEIGHT_DECAY);
        RunContext ctx = new RunContext(Backends.cpu()).training(true).keepForBackward(true).seed(DROPOUT_SEED);
        // room for one more row and a few more tokens than the batch: a smaller batch uses the buffers' front
        try (DeviceClassifier dev = DeviceClassifier.create(device, kernels, Precision.FP32, host, B + 1, T + 3)) {
            assertNotNull(dev.description());
            RunContext eval = new RunContext(Backends.cpu());
            assertRelative(where + ": evaluation logits", dev.forward(eval, in),
                    Arrays.copyOf(cpu.forward(eval, in, null), B * l), 1e-5);
            for (int step = 0; step < steps; step++) {
                String at = where + ", step " + step;
                ctx.counter(100 + step);
                float[] cpuLogits = Arrays.copyOf(cpu.forward(ctx, in, null), B * l);
                float[] devLogits = dev.forward(ctx, in);
                assertRelative(at + ": training logits (dropout on)", devLogits, cpuLogits, 1e-5);
                Tensor cpuD = new Tensor(new float[B * l], B, l);
                Tensor devD = new Tensor(new float[B * l], B, l);
                float cpuLoss = loss.forward(new Tensor(cpuLogits, B, l), y, cpuD);
                float devLoss = loss.forward(new Tensor(devLogits, B, l), y, devD);
                assertTrue(Math.abs(devLoss - cpuLoss) <= 1e-4 * Math.abs(cpuLoss),
                        at + ": loss " + devLoss + " on the device, " + cpuLoss + " on the CPU");
                cpu.backward(ctx, cpuD.data());
                dev.backward(ctx, devD.data());
                Map<String, float[]> grads = dev.gradientsToHost();
                float cpuTotal = GradClip.globalNorm(cpu.parameters());
                if (step == 0) {
                    compareGradients(at, cpu.parameters(), grads, cpuTotal);
                }
                // clip to half the norm, so that clipping really scales
                double maxNorm = 0.5 * cpuTotal;
                float ownNorm = GradClip.globalNorm(withGradients(host.parameters(), grads));
                float cpuNorm = GradClip.clipGradNorm(cpu.parameters(), maxNorm);
                float devNorm = dev.clipGradNorm(maxNorm);
                assertTrue(Math.abs(devNorm - ownNorm) <= 1e-6 * ownNorm, at + ": gradient norm " + devNorm
                        + " on the device, GradClip over the device's gradients gives " + ownNorm);
                assertTrue(Math.abs(devNorm - cpuNorm) <= 1e-5 * cpuNorm, at + ": gradient norm " + devNorm
                        + " on the device, " + cpuNorm + " on the CPU");
                cpuOpt.step(LR);
                dev.adamwStep(devOpt, LR);
                assertEquals(cpuOpt.stepCount(), devOpt.stepCount(), at + ": AdamW step count");
                if (step == 0) {
                    dev.copyParametersToHost();
                    compareParameters(at + ": parameters after clipping and AdamW", cpu.parameters(),
                            host.parameters(), cpuOpt, 1e-5, 1);
                }
                cpuOpt.zeroGrad();
                dev.zeroGrad();
            }
            dev.copyParametersToHost();
            compareParameters(where + ": parameters after " + steps + " steps", cpu.parameters(), host.parameters(),
                    cpuOpt, 1e-4, steps);
            dev.copyOptimizerStateToHost(devOpt);
            compareState(where + ": AdamW moments after " + steps + " steps", cpuOpt, devOpt);
            if (resume) {
                resumeAndStep(target, cfg, host, devOpt, cpu, cpuOpt, in, y, loss, ctx, steps);
            }
        }
    }

    /**
     * A fresh device model given the host copies of the trained weights and moments (as after
     * loading a checkpoint: {@code copyParametersToDevice}, {@code copyOptimizerStateToDevice})
     * takes one more step, like the CPU does.
     */
    private static void resumeAndStep(Target target, ModelConfig cfg, SequenceClassifier trained, AdamW trainedOpt,
                                      SequenceClassifier cpu, AdamW cpuOpt, ModelInput in, Labels y, Loss loss,
                                      RunContext ctx, int step) {
        String at = target + " resumed at step " + step;
        SequenceClassifier host = TinyModels.model(cfg, WEIGHT_SEED + 1); // other weights until the copy below
        AdamW opt = new AdamW(host.parameters(), WEIGHT_DECAY);
        Map<String, Tensor> state = new HashMap<>();
        trainedOpt.stateTensors().forEach((k, v) -> state.put(k, v.copy()));
        opt.loadState(state, trainedOpt.stepCount());
        int l = cfg.numLabels();
        try (DeviceClassifier dev = DeviceClassifier.create(TestDevices.device(target), TestDevices.kernels(target),
                Precision.FP32, host, B, T)) {
            for (int i = 0; i < host.parameters().size(); i++) {
                float[] src = trained.parameters().get(i).data();
                System.arraycopy(src, 0, host.parameters().get(i).data(), 0, src.length);
            }
            dev.copyParametersToDevice();
            dev.copyOptimizerStateToDevice(opt);
            ctx.counter(100 + step);
            float[] cpuLogits = Arrays.copyOf(cpu.forward(ctx, in, null), B * l);
            float[] devLogits = dev.forward(ctx, in);
            Tensor cpuD = new Tensor(new float[B * l], B, l);
            Tensor devD = new Tensor(new float[B * l], B, l);
            float cpuLoss = loss.forward(new Tensor(cpuLogits, B, l), y, cpuD);
            float devLoss = loss.forward(new Tensor(devLogits, B, l), y, devD);
            assertTrue(Math.abs(devLoss - cpuLoss) <= 1e-4 * Math.abs(cpuLoss),
                    at + ": loss " + devLoss + " on the device, " + cpuLoss + " on the CPU");
            cpu.backward(ctx, cpuD.data());
            dev.backward(ctx, devD.data());
            GradClip.clipGradNorm(cpu.parameters(), 1.0);
            dev.clipGradNorm(1.0);
            cpuOpt.step(LR);
            dev.adamwStep(opt, LR);
            dev.copyParametersToHost();
            compareParameters(at + ": parameters after one more step", cpu.parameters(), host.parameters(), cpuOpt,
                    1e-4, step + 1);
        }
    }

    private static boolean isKeyBias(String name) {
        return name.endsWith("attention.self.key.bias") || name.endsWith("attention.k_lin.bias");
    }

    private static void compareGradients(String at, List<Parameter> cpu, Map<String, float[]> device, double total) {
        assertEquals(cpu.stream().filter(Parameter::trainable).count(), device.size(), at + ": gradient tensors");
        for (Parameter p : cpu) {
            if (!p.trainable()) {
                continue;
            }
            float[] got = device.get(p.name());
            assertNotNull(got, at + ": no device gradient for " + p.name());
            float[] want = p.grad().data();
            if (isKeyBias(p.name())) {
                double noise = norm(got);
                assertTrue(Float.isFinite((float) noise) && noise <= 1e-6 * total + 10 * norm(want),
                        at + ": " + p.name() + " gradient should be rounding noise, ‖device‖ = " + noise
                                + ", ‖cpu‖ = " + norm(want));
            } else {
                double e = relativeError(p.name(), got, want);
                assertTrue(e <= 1e-4, at + ": gradient of " + p.name() + ", ‖device − cpu‖/‖cpu‖ = " + e
                        + " (‖cpu‖ = " + norm(want) + ")");
            }
        }
    }

    /** Parameters named like the model's, holding the device gradients (for GradClip's formula). */
    private static List<Parameter> withGradients(List<Parameter> model, Map<String, float[]> grads) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : model) {
            float[] g = grads.get(p.name());
            if (g == null) {
                continue;
            }
            Parameter q = new Parameter(p.name(), new Tensor(new float[g.length], p.shape()), p.decays(), true);
            System.arraycopy(g, 0, q.grad().data(), 0, g.length);
            out.add(q);
        }
        return out;
    }

    /**
     * Parameters after AdamW, element by element within {@code tol}, except where AdamW is
     * ill-conditioned: it divides by √v̂ + 1e-8, so an element whose gradients have stayed below
     * 1e-7 but are not zero (√v̂ from the CPU optimizer's second moment) turns differences of
     * float rounding in its gradient into update differences of up to lr per step (the attention key bias, whose
     * gradient is pure rounding noise, always; other elements where a gradient happens to be ~0).
     * Those are held to 2·lr per step, and must be few.
     */
    private static void compareParameters(String at, List<Parameter> cpu, List<Parameter> device, AdamW cpuOpt,
                                          double tol, int steps) {
        Map<String, Tensor> state = cpuOpt.stateTensors();
        double bc2 = 1 - Math.pow(AdamW.DEFAULT_BETA2, cpuOpt.stepCount());
        long elements = 0;
        long illConditioned = 0;
        for (int i = 0; i < cpu.size(); i++) {
            Parameter p = cpu.get(i);
            float[] want = p.data();
            float[] got = device.get(i).data();
            Tensor v = state.get("exp_avg_sq." + p.name());
            for (int j = 0; j < want.length; j++) {
                // a gradient that is exactly zero (rows of absent ids, unused positions) is not noisy
                boolean noisy = isKeyBias(p.name())
                        || v != null && v.data()[j] > 0 && Math.sqrt(v.data()[j] / bc2) < 1e-7;
                double allowed = noisy ? 2 * LR * steps : tol;
                double d = Math.abs((double) got[j] - want[j]);
                if (!(d <= allowed)) {
                    fail(at + ": " + p.name() + "[" + j + "] = " + got[j] + " on the device, "
                            + want[j] + " on the CPU, |Δ| = " + d + " > " + allowed
                            + (noisy ? " (gradient below 1e-7)" : ""));
                }
                elements++;
                if (noisy && !isKeyBias(p.name())) {
                    illConditioned++;
                }
            }
        }
        assertTrue(illConditioned <= elements / 100, at + ": " + illConditioned + " of " + elements
                + " elements have gradients below 1e-7; the gradients themselves must be off");
    }

    private static void compareState(String at, AdamW cpu, AdamW device) {
        Map<String, Tensor> want = cpu.stateTensors();
        Map<String, Tensor> got = device.stateTensors();
        assertEquals(want.keySet(), got.keySet(), at + ": state tensor names");
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            if (isKeyBias(e.getKey())) {
                continue; // moments of a noise gradient
            }
            double err = relativeError(e.getKey(), got.get(e.getKey()).data(), e.getValue().data());
            assertTrue(err <= 1e-3, at + ": " + e.getKey() + " relative error " + err);
        }
    }
}
