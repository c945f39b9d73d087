package dev.jbert.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.cpu.Activation;
import dev.jbert.kernels.device.Dim3;
import dev.jbert.kernels.device.KernelArgs;
import dev.jbert.kernels.ops.RecordingDevice.Launch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The launchers' side of the contract in docs/kernels-cuda.md, checked without running anything:
 * each launch names an entry point that exists, passes exactly the C parameter types the
 * {@code .cu} source declares (int vs unsigned long long vs float vs double matters: the driver
 * copies raw bytes), uses the documented grid and block, and every one of the entry points is
 * reachable through {@link GpuKernels}. Bad sizes and missing pointers fail with a message naming
 * the argument.
 */
class LaunchContractTest {
    private static final Map<String, List<KernelArgs.Type>> SIGNATURES = CudaSignatures.read();

    private final RecordingDevice device = new RecordingDevice();
    private final GpuKernels gk = new GpuKernels(device);

    /** Fake device addresses (never dereferenced). */
    private static final long A = 0x1000, B = 0x2000, C = 0x3000, D = 0x4000, E = 0x5000, F = 0x6000, G = 0x7000,
            H = 0x8000, I = 0x9000, J = 0xA000, K = 0xB000;

    @Test
    void sourcesDeclareAllEntryPoints() {
        assertEquals(49, SIGNATURES.size(), "entry points found in the .cu sources: " + SIGNATURES.keySet());
    }

    @Test
    void everyEntryPointIsLaunchedWithItsDeclaredParameterTypes() {
        Set<String> launched = new TreeSet<>();
        Consumer<Runnable> run = call -> {
            call.run();
            for (Launch l : device.take()) {
                String key = l.kernel().module() + ":" + l.entryPoint();
                List<KernelArgs.Type> declared = SIGNATURES.get(key);
                assertTrue(declared != null, "launched " + key + ", which no .cu source declares");
                List<KernelArgs.Type> passed = l.args().list().stream().map(KernelArgs.Arg::type).toList();
                assertEquals(declared, passed, "parameter types of " + key);
                launched.add(key);
            }
        };
        for (Precision p : Precision.values()) {
            run.accept(() -> gk.linearForward(p, A, B, C, D, E, 37, 45, 29, Activation.GELU));
            run.accept(() -> gk.linearBackwardInput(p, A, B, C, 37, 45, 29, true));
            run.accept(() -> gk.linearBackwardWeight(p, A, B, C, D, 4096, 768, 768));
        }
        run.accept(() -> gk.biasGrad(A, B, C, 4096, 768));
        for (int d : new int[] {16, 32, 64}) {
            run.accept(() -> gk.attentionForward(A, B, C, D, E, F, G, 2, 13, 2, d, 3 * 2 * d, 7L, 3, 9L, 0.1));
            run.accept(() -> gk.attentionBackward(A, B, C, D, E, F, G, H, I, J, K, 2, 13, 2, d, 2 * d, 7L, 3, 9L,
                    0.1));
            run.accept(() -> gk.attentionForward(Precision.BF16, A, B, C, D, E, F, G, 2, 13, 2, d, 3 * 2 * d, 7L, 3,
                    9L, 0.1));
            run.accept(() -> gk.attentionBackward(Precision.BF16, A, B, C, D, E, F, G, H, I, J, K, 2, 13, 2, d, 2 * d,
                    7L, 3, 9L, 0.1));
        }
        run.accept(() -> gk.layerNormForward(A, B, C, D, E, F, 37, 45, 1e-12f));
        run.accept(() -> gk.layerNormBackward(A, B, C, D, E, F, G, H, I, 4096, 768));
        run.accept(() -> gk.activationForward(A, B, 100, Activation.RELU));
        run.accept(() -> gk.activationBackward(A, B, C, 100, Activation.TANH));
        run.accept(() -> gk.residualAdd(A, B, C, 100));
        run.accept(() -> gk.dropoutMask(A, 100, 1L, 2, 3L, 0.5));
        run.accept(() -> gk.dropoutForward(A, B, C, 100, 1L, 2, 3L, 0.5));
        run.accept(() -> gk.dropoutBackward(A, B, C, 100));
        run.accept(() -> gk.crossEntropy(A, B, C, D, E, 8, 3, -100, 1.0));
        run.accept(() -> gk.bceWithLogits(A, B, C, D, E, 8, 3, 1.0));
        run.accept(() -> gk.mse(A, B, C, D, 8, 1.0));
        run.accept(() -> gk.embeddingForward(A, B, C, D, E, F, 2, 13, 45));
        run.accept(() -> gk.embeddingBackwardWord(A, B, C, 26, 45, 0));
        run.accept(() -> gk.embeddingBackwardPosition(A, B, 2, 13, 45));
        run.accept(() -> gk.embeddingBackwardType(A, B, C, D, 4096, 45, 2));
        OptimizerLayout layout = OptimizerLayout.of(new long[] {100, 70_000}, new boolean[] {true, false});
        try (OptimizerLayout.OnDevice tables = layout.upload(device)) {
            run.accept(() -> gk.gradNorm(tables, A, B, 1.0, C));
            run.accept(() -> gk.gradClipScale(tables, A, C + 4));
            run.accept(() -> gk.adamwStep(tables, A, B, C, D, AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0.01, 1), 0));
        }
        assertEquals(SIGNATURES.keySet(), launched, "entry points launched through GpuKernels");
    }

    @Test
    void gridsAndBlocksFollowTheDocs() {
        gk.linearForward(Precision.BF16, A, B, 0, 0, E, 300, 129, 29, Activation.NONE);
        expect("linear_forward_bf16", Dim3.of(2, 3, 1), Dim3.of(256));
        gk.linearBackwardInput(Precision.FP32, A, B, C, 300, 129, 29, false);
        expect("linear_backward_input_f32", Dim3.of(1, 3, 1), Dim3.of(256));
        // 768 × 768: 36 tiles → 8 splits of 512 rows, then the reduction of 768·768 values
        gk.linearBackwardWeight(Precision.TF32, A, B, C, D, 4096, 768, 768);
        List<Launch> w = device.take();
        assertEquals(Dim3.of(6, 6, 8), w.get(0).grid());
        assertEquals(512L, w.get(0).args().list().get(7).bits(), "kChunk");
        assertEquals("splitk_reduce", w.get(1).entryPoint());
        assertEquals(List.of(8L, 768L * 768), List.of(w.get(1).args().list().get(2).bits(),
                w.get(1).args().list().get(3).bits()), "splits, n");
        // one split: partial passed as null, no reduction
        gk.linearBackwardWeight(Precision.FP32, A, B, C, D, 37, 45, 29);
        expect("linear_backward_weight_f32", Dim3.of(1, 1, 1), Dim3.of(256));
        gk.biasGrad(A, B, 0, 37, 45);
        expect("bias_grad", Dim3.of(2, 1, 1), Dim3.of(32, 8));
        gk.attentionForward(A, B, C, 0, E, F, 0, 3, 37, 12, 64, 768, 0, 0, 0, 0);
        expect("attention_forward_d64", Dim3.of(2, 12, 3), Dim3.of(256));
        gk.attentionBackward(A, B, C, D, 0, F, G, H, I, J, K, 3, 37, 12, 32, 384, 0, 0, 0, 0);
        List<Launch> ab = device.take();
        assertEquals(List.of("attention_backward_delta", "attention_backward_dkdv_d32", "attention_backward_dq_d32"),
                ab.stream().map(Launch::entryPoint).toList());
        assertEquals(Dim3.of((3 * 37 * 12 + 7) / 8), ab.get(0).grid());
        assertEquals(Dim3.of(2, 12, 3), ab.get(1).grid());
        assertEquals(Dim3.of(2, 12, 3), ab.get(2).grid());
        // bf16: 64-row tiles of 128 threads; tf32 keeps the float32 kernels
        gk.attentionForward(Precision.BF16, A, B, C, 0, E, F, 0, 3, 130, 12, 64, 768, 0, 0, 0, 0);
        expect("attention_forward_bf16_d64", Dim3.of(3, 12, 3), Dim3.of(128));
        gk.attentionForward(Precision.TF32, A, B, C, 0, E, F, 0, 3, 37, 12, 64, 768, 0, 0, 0, 0);
        expect("attention_forward_d64", Dim3.of(2, 12, 3), Dim3.of(256));
        gk.attentionBackward(Precision.BF16, A, B, C, D, 0, F, G, H, I, J, K, 3, 37, 12, 32, 384, 0, 0, 0, 0);
        List<Launch> abTc = device.take();
        assertEquals(List.of("attention_backward_delta_bf16", "attention_backward_dkdv_bf16_d32",
                "attention_backward_dq_bf16_d32"), abTc.stream().map(Launch::entryPoint).toList());
        assertEquals(Dim3.of(256), abTc.get(0).block());
        assertEquals(Dim3.of(1, 12, 3), abTc.get(1).grid());
        assertEquals(Dim3.of(128), abTc.get(1).block());
        // bf16 has no head size 16: the float32 kernels run (32-row tiles of 256 threads)
        gk.attentionForward(Precision.BF16, A, B, C, 0, E, F, 0, 3, 37, 4, 16, 64, 0, 0, 0, 0);
        expect("attention_forward_d16", Dim3.of(2, 4, 3), Dim3.of(256));
        gk.attentionBackward(Precision.BF16, A, B, C, D, 0, F, G, H, I, J, K, 3, 37, 4, 16, 64, 0, 0, 0, 0);
        List<Launch> ab16 = device.take();
        assertEquals(List.of("attention_backward_delta", "attention_backward_dkdv_d16", "attention_backward_dq_d16"),
                ab16.stream().map(Launch::entryPoint).toList());
        assertEquals(Dim3.of(2, 4, 3), ab16.get(1).grid());
        assertEquals(Dim3.of(256), ab16.get(2).block());
        assertEquals(Dim3.of(1, 12, 3), abTc.get(2).grid());
        assertEquals(Dim3.of(128), abTc.get(2).block());
        gk.layerNormForward(A, B, C, D, 0, 0, 37, 45, 1e-5f);
        expect("layernorm_forward", Dim3.of(5), Dim3.of(256));
        // 4096 × 768: 88 slabs (the docs' suggestion), then the finish, then dx
        gk.layerNormBackward(A, B, C, D, E, F, G, H, I, 4096, 768);
        List<Launch> ln = device.take();
        assertEquals(List.of("layernorm_backward_params", "layernorm_backward_params_finish",
                "layernorm_backward_input"), ln.stream().map(Launch::entryPoint).toList());
        assertEquals(Dim3.of(24, 88, 1), ln.get(0).grid());
        assertEquals(Dim3.of(32, 8, 1), ln.get(0).block());
        assertEquals(Dim3.of(3), ln.get(1).grid());
        assertEquals(Dim3.of(512), ln.get(2).grid());
        gk.activationForward(A, B, 10_000_000, Activation.GELU);
        expect("activation_forward", Dim3.of(132 * 16), Dim3.of(256));
        gk.dropoutMask(A, 1001, 1, 2, 3, 0.1);
        expect("dropout_mask", Dim3.of(1), Dim3.of(256));
        gk.crossEntropy(A, B, 0, D, 0, 37, 3, -100, 1);
        expect("cross_entropy_loss", Dim3.of(1), Dim3.of(256));
        gk.embeddingForward(A, 0, C, D, 0, F, 3, 13, 45);
        expect("embedding_forward", Dim3.of(39), Dim3.of(128));
        gk.embeddingBackwardPosition(A, B, 3, 13, 300);
        expect("embedding_backward_position", Dim3.of(3, 13, 1), Dim3.of(128));
        gk.embeddingBackwardType(A, B, C, D, 4096, 768, 2);
        List<Launch> ty = device.take();
        assertEquals(Dim3.of(6, 64, 1), ty.get(0).grid());
        assertEquals("splitk_reduce", ty.get(1).entryPoint());
        assertEquals(2L * 768, ty.get(1).args().list().get(3).bits());
    }

    private void expect(String entryPoint, Dim3 grid, Dim3 block) {
        List<Launch> ls = device.take();
        assertEquals(1, ls.size(), "launches of " + entryPoint + ": " + ls);
        assertEquals(entryPoint, ls.get(0).entryPoint());
        assertEquals(grid, ls.get(0).grid(), "grid of " + entryPoint);
        assertEquals(block, ls.get(0).block(), "block of " + entryPoint);
    }

    @Test
    void argumentValuesKeepTheirBits() {
        gk.attentionForward(A, B, C, D, E, F, G, 2, 13, 2, 32, 64, 0x9E3779B97F4A7C15L, -5, 0x1_0000_0003L,
                (double) 0.1f);
        List<KernelArgs.Arg> a = device.take().get(0).args().list();
        assertEquals(0x9E3779B97F4A7C15L, a.get(11).bits(), "seed");
        assertEquals(-5, (int) a.get(12).bits(), "stream");
        assertEquals(0x1_0000_0003L, a.get(13).bits(), "counter");
        assertEquals(Double.doubleToRawLongBits((double) 0.1f), a.get(14).bits(), "p");
        // docs/kernels-cuda.md: 0 NONE, 1 GELU, 2 GELU_TANH, 3 RELU, 4 TANH (the enum's ordinals)
        Map<Activation, Integer> codes = Map.of(Activation.NONE, 0, Activation.GELU, 1, Activation.GELU_TANH, 2,
                Activation.RELU, 3, Activation.TANH, 4);
        for (Activation act : Activation.values()) {
            assertEquals(codes.get(act), act.ordinal(), "ordinal of " + act);
            gk.activationForward(A, B, 5, act);
            assertEquals(codes.get(act), (int) device.take().get(0).args().list().get(3).bits(), "code of " + act);
        }
    }

    @Test
    void kernelLookupsAreCached() {
        for (int i = 0; i < 3; i++) {
            gk.residualAdd(A, B, C, 10);
            gk.linearForward(Precision.TF32, A, B, 0, 0, E, 3, 4, 5, Activation.NONE);
        }
        assertEquals(Map.of("elementwise:residual_add", 1, "gemm_tc:linear_forward_tf32", 1), device.lookups);
    }

    @Test
    void emptyWorkLaunchesNothing() {
        gk.linearForward(Precision.FP32, 0, 0, 0, 0, E, 0, 45, 29, Activation.GELU);
        gk.linearBackwardWeight(Precision.FP32, A, B, C, 0, 0, 45, 29);
        gk.attentionForward(0, 0, 0, 0, 0, 0, 0, 0, 13, 2, 32, 64, 0, 0, 0, 0);
        gk.layerNormForward(0, 0, 0, 0, 0, 0, 0, 45, 1e-5f);
        gk.residualAdd(0, 0, 0, 0);
        gk.embeddingForward(0, 0, 0, 0, 0, 0, 0, 13, 45);
        assertEquals(List.of(), device.take());
    }

    @Test
    void badArgumentsAreNamed() {
        rejects("linearForward: m must be ≥ 0, found -1",
                () -> gk.linearForward(Precision.FP32, A, B, 0, 0, E, -1, 45, 29, Activation.NONE));
        rejects("linearBackwardInput: k must be ≥ 0, found -29",
                () -> gk.linearBackwardInput(Precision.FP32, A, B, C, 37, 45, -29, false));
        rejects("linearForward: m·k = 70000·70000",
                () -> gk.linearForward(Precision.FP32, A, B, 0, 0, E, 70_000, 3, 70_000, Activation.NONE));
        rejects("linearForward: device pointer x must not be null",
                () -> gk.linearForward(Precision.FP32, 0, B, 0, 0, E, 3, 4, 5, Activation.NONE));
        rejects("linearForward: activation must not be null",
                () -> gk.linearForward(Precision.FP32, A, B, 0, 0, E, 3, 4, 5, null));
        rejects("attentionForward: head size d must be 16, 32 or 64, found 48",
                () -> gk.attentionForward(A, B, C, 0, E, F, 0, 2, 13, 2, 48, 96, 0, 0, 0, 0));
        rejects("attentionForward: ldQKV must be ≥ h·d = 128, found 100",
                () -> gk.attentionForward(A, B, C, 0, E, F, 0, 2, 13, 2, 64, 100, 0, 0, 0, 0));
        rejects("attentionForward: device pointer lse must not be null",
                () -> gk.attentionForward(A, B, C, 0, E, 0, 0, 2, 13, 2, 64, 128, 0, 0, 0, 0));
        rejects("attentionBackward: dropout probability p must lie in [0, 1], found NaN",
                () -> gk.attentionBackward(A, B, C, D, 0, F, G, H, I, J, K, 2, 13, 2, 32, 64, 0, 0, 0, Double.NaN));
        rejects("layerNormBackward: partial must point to",
                () -> gk.layerNormBackward(A, B, C, D, E, F, G, H, 0, 4096, 768));
        rejects("layerNormForward: eps must be ≥ 0, found -1.0",
                () -> gk.layerNormForward(A, B, C, D, 0, 0, 3, 4, -1f));
        rejects("dropoutMask: dropout probability p must lie in [0, 1], found 1.5",
                () -> gk.dropoutMask(A, 10, 0, 0, 0, 1.5));
        rejects("crossEntropy: l must be ≥ 1, found 0",
                () -> gk.crossEntropy(A, B, 0, D, 0, 8, 0, -100, 1));
        rejects("embeddingForward: b·t = 65536·65536",
                () -> gk.embeddingForward(A, 0, C, D, 0, F, 65_536, 65_536, 1));
        rejects("embeddingBackwardType: numTypes must be ≥ 0, found -2",
                () -> gk.embeddingBackwardType(A, B, C, 0, 10, 4, -2));
        rejects("embedding_backward_position: grid (1, 70000, 1) exceeds",
                () -> gk.embeddingBackwardPosition(A, B, 1, 70_000, 4));
        assertEquals(List.of(), device.take(), "nothing is launched for a rejected call");
    }

    private static void rejects(String messageStart, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, messageStart);
        assertTrue(e.getMessage().startsWith(messageStart) || e.getMessage().contains(messageStart),
                "expected a message with '" + messageStart + "', got '" + e.getMessage() + "'");
    }

    @Test
    void optimizerLayoutPadsTensorsAndCutsChunksPerTensor() {
        long[] sizes = {37, 0, 65_536, 1, 70_000};
        boolean[] decays = {true, false, true, false, true};
        OptimizerLayout l = OptimizerLayout.of(sizes, decays);
        assertEquals(5, l.numTensors());
        assertEquals(List.of(0L, 64L, 64L, 64L + 65_536, 64L + 65_536 + 64),
                List.of(l.offset(0), l.offset(1), l.offset(2), l.offset(3), l.offset(4)));
        assertEquals(64L + 65_536 + 64 + 70_016, l.totalFloats());
        assertEquals(1 + 0 + 2 + 1 + 3, l.numChunks());
        assertEquals(List.of(0, 1, 1, 3, 4, 7), List.of(l.firstChunk(0), l.firstChunk(1), l.firstChunk(2),
                l.firstChunk(3), l.firstChunk(4), l.firstChunk(5)));
        for (int t = 0; t < sizes.length; t++) {
            assertEquals(sizes[t], l.size(t));
            assertEquals(decays[t], l.decays(t));
            assertEquals(0, l.offset(t) % OptimizerLayout.ALIGN_FLOATS);
        }

        OptimizerLayout.OnDevice tables = l.upload(device);
        assertEquals(3, device.live.size());
        assertArrayEquals(new long[] {0, 64, 64, 64 + 65_536, 64 + 65_536 + 64, l.totalFloats()},
                (long[]) device.uploads.get(tables.tensorOffset()));
        assertArrayEquals(new int[] {0, 1, 1, 3, 4, 7}, (int[]) device.uploads.get(tables.tensorFirstChunk()));
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, (int[]) device.uploads.get(tables.tensorFlags()));
        tables.close();
        tables.close();
        assertEquals(Set.of(), device.live, "close frees the three tables, once");
        assertThrows(IllegalStateException.class, tables::tensorOffset);
    }

    @Test
    void optimizerLayoutRejectsBadSizes() {
        rejects("OptimizerLayout: size of tensor 1 must be ≥ 0, found -3",
                () -> OptimizerLayout.of(new long[] {4, -3}, new boolean[] {true, true}));
        rejects("OptimizerLayout: 2 sizes but 1 decay flags",
                () -> OptimizerLayout.of(new long[] {4, 3}, new boolean[] {true}));
        OptimizerLayout empty = OptimizerLayout.of(new long[0], new boolean[0]);
        assertEquals(0, empty.numChunks());
        assertEquals(0, empty.totalFloats());
        try (OptimizerLayout.OnDevice t = empty.upload(device)) {
            gk.gradNorm(t, 0, 0, 1.0, A);
            // the norm of nothing is still written (0, coefficient 1)
            expect("grad_norm_finish", Dim3.of(1), Dim3.of(256));
            gk.adamwStep(t, 0, 0, 0, 0, AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0, 1), 0);
            assertEquals(List.of(), device.take());
        }
    }
}
