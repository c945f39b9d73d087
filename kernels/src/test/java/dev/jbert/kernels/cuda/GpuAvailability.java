package dev.jbert.kernels.cuda;

import dev.jbert.engine.backend.BackendUnavailableException;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The one GPU the tests of this JVM share, opened on first use ({@code CudaDevice.open(0)}) or
 * found missing, once per JVM. For GPU tests of any package:
 * <pre>
 *   CudaDevice gpu = GpuAvailability.require();   // aborts the test, visibly, without a GPU
 *   // or
 *   Optional&lt;CudaDevice&gt; gpu = GpuAvailability.tryOpen();
 *   Assumptions.assumeTrue(gpu.isPresent(), "no CUDA GPU here: " + GpuAvailability.reason());
 * </pre>
 * The device is shared: tests must not close it (a test that needs to close one opens its own
 * with {@link CudaDevice#open}), and should free what they allocate.
 */
public final class GpuAvailability {
    private static Optional<CudaDevice> device;
    private static String reason = "";

    private GpuAvailability() {
    }

    /** The shared GPU, or empty when this machine has none usable ({@link #reason} says why). */
    public static synchronized Optional<CudaDevice> tryOpen() {
        if (device == null) {
            try {
                device = Optional.of(CudaDevice.open(0));
            } catch (BackendUnavailableException e) {
                device = Optional.empty();
                reason = e.getMessage();
            }
        }
        return device;
    }

    /** Why there is no GPU (one sentence), or "" when there is one. */
    public static synchronized String reason() {
        tryOpen();
        return reason;
    }

    /** The shared GPU; aborts the calling test with "no CUDA GPU here: &lt;reason&gt;" when there is none. */
    public static CudaDevice require() {
        Optional<CudaDevice> d = tryOpen();
        if (d.isEmpty()) {
            Assumptions.abort("no CUDA GPU here: " + reason());
        }
        return d.orElseThrow();
    }
}
