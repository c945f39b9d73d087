package dev.jbert.kernels.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.kernels.cuda.PtxFile;
import dev.jbert.kernels.device.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The emulator's kernel table against the committed PTX: every entry point of every module is
 * registered (a missing {@code JB_EMU_KERNEL} line would make the CUDA backend's tests fail on
 * the emulator only), nothing else is, and each C signature agrees with the PTX parameter list.
 */
class EmulatorKernelTableTest {
    private static final List<String> MODULES =
            List.of("gemm_f32", "gemm_tc", "attention", "layernorm", "elementwise", "loss", "embedding", "optimizer");

    @Test
    void everyPtxEntryPointIsEmulatedWithAMatchingSignature() {
        EmulatorLibrary library = Emulator.library();
        Set<String> inPtx = new TreeSet<>();
        List<String> mismatches = new ArrayList<>();
        try (EmulatedDevice device = Emulator.newDevice(1 << 20)) {
            for (String module : MODULES) {
                PtxFile ptx = PtxFile.load(module);
                assertFalse(ptx.entryPoints().isEmpty(), module + ".ptx has no entry points");
                for (String entry : ptx.entryPoints()) {
                    inPtx.add(entry);
                    Kernel k = device.kernel(module, entry);
                    assertEquals(entry, k.entryPoint());
                    String signature = library.find(entry).orElseThrow().signature();
                    List<String> params = ptx.parameters(entry).orElseThrow();
                    if (!agrees(signature, params)) {
                        mismatches.add(entry + ": C " + signature + " vs PTX " + params);
                    }
                }
            }
        }
        assertTrue(mismatches.isEmpty(), "C signatures that disagree with the PTX: " + mismatches);
        assertEquals(inPtx, new TreeSet<>(library.entries().keySet()),
                "the emulator's entry points are exactly the PTX modules' entry points");
    }

    /** Each C parameter letter is stored as the PTX type nvcc gives it. */
    private static boolean agrees(String signature, List<String> ptxTypes) {
        if (signature.length() != ptxTypes.size()) {
            return false;
        }
        for (int i = 0; i < signature.length(); i++) {
            String t = ptxTypes.get(i);
            boolean ok = switch (signature.charAt(i)) {
                case 'P', 'U' -> t.equals("u64") || t.equals("s64") || t.equals("b64");
                case 'I' -> t.equals("u32") || t.equals("s32") || t.equals("b32");
                case 'F' -> t.equals("f32");
                case 'D' -> t.equals("f64");
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
