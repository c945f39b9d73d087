package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * On a machine without a usable GPU, opening the CUDA device fails with one clear sentence, the
 * JVM carries on, and a second attempt says the same thing (the driver binding's failed static
 * initialisation does not turn into a NoClassDefFoundError).
 */
class CudaDeviceNoGpuTest {

    @Test
    void openWithoutGpuSaysWhyInOneLineEveryTime() {
        Assumptions.assumeTrue(GpuAvailability.tryOpen().isEmpty(),
                "a CUDA GPU is present: this test checks the message given without one");

        BackendUnavailableException first = assertThrows(BackendUnavailableException.class, () -> CudaDevice.open(0));
        BackendUnavailableException second = assertThrows(BackendUnavailableException.class, () -> CudaDevice.open(0));

        String message = first.getMessage();
        assertFalse(message.isBlank());
        assertFalse(message.contains("\n"), "one line: " + message);
        assertTrue(message.contains("driver"), "mentions the driver: " + message);
        assertTrue(message.contains("--device cpu"), "says what to do instead: " + message);
        assertEquals(message, second.getMessage(), "the second attempt fails the same way");
        assertEquals(message, GpuAvailability.reason(), "the shared test helper reports the same reason");
    }

    @Test
    void withoutTheDriverLibraryTheMessageIsTheDocumentedOne() {
        Assumptions.assumeTrue(GpuAvailability.tryOpen().isEmpty(),
                "a CUDA GPU is present: this test checks the message given without one");
        String message = assertThrows(BackendUnavailableException.class, () -> CudaDevice.open(1)).getMessage();
        Assumptions.assumeTrue(message.contains("libcuda.so.1"),
                "an NVIDIA driver library is installed here (but no usable GPU): " + message);
        assertEquals(CudaDriver.NO_DRIVER, message);
    }
}
