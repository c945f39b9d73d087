package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.kernels.device.DeviceException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packaged PTX modules as CudaDevice loads them: NUL-terminated text and entry-point signatures. */
class PtxFileTest {
    private static final List<String> MODULES =
            List.of("gemm_f32", "gemm_tc", "attention", "layernorm", "elementwise", "loss", "embedding", "optimizer");

    @Test
    void everyModuleLoadsNulTerminatedWithItsEntryPoints() {
        int entries = 0;
        for (String module : MODULES) {
            PtxFile ptx = PtxFile.load(module);
            byte[] image = ptx.image();
            assertEquals(0, image[image.length - 1], module + ": trailing NUL");
            String text = new String(image, 0, image.length - 1, StandardCharsets.US_ASCII);
            assertTrue(text.contains(".version 9.0") && text.contains(".target sm_80"), module + ": header");
            assertEquals(-1, text.indexOf('\0'), module + ": no NUL inside the text");
            assertTrue(!ptx.entryPoints().isEmpty(), module + ": has entry points");
            for (String entry : ptx.entryPoints()) {
                List<String> params = ptx.parameters(entry).orElseThrow();
                assertTrue(!params.isEmpty(), entry + " has parameters");
                for (String p : params) {
                    assertTrue(List.of("u64", "u32", "f32", "f64").contains(p), entry + ": parameter type ." + p);
                }
            }
            entries += ptx.entryPoints().size();
        }
        assertEquals(49, entries, "docs/kernels-cuda.md lists 49 entry points");
    }

    @Test
    void signaturesMatchTheDocumentedParameterLists() {
        assertEquals(List.of("u64", "u64", "u64", "u32"),
                PtxFile.load("elementwise").parameters("residual_add").orElseThrow());
        // const float* x, w, bias; float* preact, out; int M, N, K, act
        assertEquals(List.of("u64", "u64", "u64", "u64", "u64", "u32", "u32", "u32", "u32"),
                PtxFile.load("gemm_f32").parameters("linear_forward_f32").orElseThrow());
        // layernorm_forward(x, gamma, beta, out, mean, rstd, rows, C, float eps)
        assertEquals(List.of("u64", "u64", "u64", "u64", "u64", "u64", "u32", "u32", "f32"),
                PtxFile.load("layernorm").parameters("layernorm_forward").orElseThrow());
        // dropout_mask(float* mask, int n, u64 seed, unsigned stream, u64 counter, double p)
        assertEquals(List.of("u64", "u32", "u64", "u32", "u64", "f64"),
                PtxFile.load("elementwise").parameters("dropout_mask").orElseThrow());
        assertTrue(PtxFile.load("elementwise").parameters("no_such_kernel").isEmpty());
    }

    @Test
    void parsesAlignedAndPointerQualifiedParameters() {
        String text = ".visible .entry k(\n\t.param .u64 .ptr .global .align 4 k_param_0,\n\t.param .align 8 .b8 k_param_1[16],\n"
                + "\t.param .f32 k_param_2\n)\n{ ret; }\n.visible .entry empty()\n{ ret; }\n";
        PtxFile ptx = PtxFile.parse("t", text.getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("u64", "b8", "f32"), ptx.parameters("k").orElseThrow());
        assertEquals(List.of(), ptx.parameters("empty").orElseThrow());
    }

    @Test
    void badOrMissingModulesAreNamed() {
        DeviceException missing = assertThrows(DeviceException.class, () -> PtxFile.load("gemm_f64"));
        assertEquals("no PTX module 'gemm_f64' on the class path (looked for /dev/jbert/kernels/ptx/gemm_f64.ptx)",
                missing.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PtxFile.load("../secret"));
        assertTrue(bad.getMessage().contains("'../secret'"), bad.getMessage());
    }
}
