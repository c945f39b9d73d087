package dev.jbert.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Finding a backend by {@code --device} and {@code --precision}: the CPU in float32 only, precision
 * names and their spellings, device indexes, and one clear sentence for each refusal — here, where
 * the engine's tests run without the kernels module, also for {@code cuda}.
 */
class BackendsTest {
    @Test
    void theCpuComputesInFloat32() {
        assertSame(Backends.cpu(), Backends.byName("cpu"));
        assertSame(Backends.cpu(), Backends.byName(null));
        assertSame(Backends.cpu(), Backends.byName(" CPU ", "fp32"));
        assertSame(Backends.cpu(), Backends.byName("cpu", "float32"));
        for (String p : new String[] {"tf32", "bf16", "bfloat16"}) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Backends.byName("cpu", p));
            assertEquals("--precision " + BackendOptions.canonicalPrecision(p)
                    + " needs --device cuda (the CPU computes in float32)", e.getMessage());
        }
    }

    @Test
    void precisionsHaveCanonicalNames() {
        assertEquals("fp32", new BackendOptions(0, "F32").precision());
        assertEquals("tf32", new BackendOptions(0, " tf32").precision());
        assertEquals("bf16", new BackendOptions(0, "bfloat16").precision());
        assertNull(BackendOptions.DEFAULT.precision());
        assertEquals("fp32", BackendOptions.DEFAULT.precisionOr("fp32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("cpu", "fp16"));
        assertEquals("--precision: expected one of fp32, tf32 or bf16, found 'fp16'", e.getMessage());
    }

    @Test
    void devicesAndIndexesAreNamedWhenWrong() {
        String cuda = assertThrows(BackendUnavailableException.class, () -> Backends.byName("cuda")).getMessage();
        assertTrue(cuda.contains("jbert-kernels") && cuda.contains("--device cpu"), cuda);
        String indexed = assertThrows(BackendUnavailableException.class, () -> Backends.byName("cuda:1", "bf16"))
                .getMessage();
        assertTrue(indexed.startsWith("device 'cuda' is not available"), indexed);
        assertTrue(assertThrows(BackendUnavailableException.class, () -> Backends.byName("cpu:0")).getMessage()
                .contains("no device index"));
        assertTrue(assertThrows(BackendUnavailableException.class, () -> Backends.byName("cuda:-1")).getMessage()
                .contains("expected a device index"));
        assertTrue(assertThrows(BackendUnavailableException.class, () -> Backends.byName("tpu")).getMessage()
                .startsWith("unknown device 'tpu' (expected one of [cpu"));
    }

    @Test
    void aProviderWithoutOptionsRefusesThem() {
        BackendProvider plain = new BackendProvider() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Backend create() {
                return Backends.cpu();
            }
        };
        assertSame(Backends.cpu(), plain.create(BackendOptions.DEFAULT));
        assertTrue(assertThrows(BackendUnavailableException.class, () -> plain.create(new BackendOptions(0, "bf16")))
                .getMessage().contains("does not take --precision bf16"));
        assertTrue(assertThrows(BackendUnavailableException.class, () -> plain.create(new BackendOptions(2, null)))
                .getMessage().contains("has no device index 2"));
    }
}
