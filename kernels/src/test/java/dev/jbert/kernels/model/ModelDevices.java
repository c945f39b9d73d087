package dev.jbert.kernels.model;

import dev.jbert.kernels.cuda.CudaDevice;
import dev.jbert.kernels.cuda.GpuAvailability;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.emulator.Emulator;
import dev.jbert.kernels.ops.GpuKernels;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the device-model tests run, as a JUnit 5 argument source
 * ({@code @MethodSource("dev.jbert.kernels.model.ModelDevices#targets")}): the CPU emulator of our
 * kernels, always (it fails visibly when it cannot build its library), and a real CUDA GPU,
 * skipped visibly with the reason where there is none. Each device is opened once per test JVM
 * and shared (never closed here).
 */
final class ModelDevices {
    /** Where a test runs. */
    enum Target {
        EMULATOR("emulator"),
        GPU("gpu");

        private final String label;

        Target(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final Map<Target, GpuKernels> KERNELS = new EnumMap<>(Target.class);

    private ModelDevices() {
    }

    static Stream<Target> targets() {
        return Stream.of(Target.values());
    }

    /** The device of {@code target}; for the GPU, the test is skipped (with the reason) when there is none. */
    static Device device(Target target) {
        return switch (target) {
            case EMULATOR -> Emulator.device();
            case GPU -> {
                Optional<CudaDevice> gpu = GpuAvailability.tryOpen(); // shared, opened once per JVM
                Assumptions.assumeTrue(gpu.isPresent(), () -> "no CUDA GPU here: " + GpuAvailability.reason());
                yield gpu.orElseThrow();
            }
        };
    }

    /** The launchers of {@code target}'s device (one per device, so kernel lookups are cached). */
    static synchronized GpuKernels kernels(Target target) {
        Device device = device(target);
        return KERNELS.computeIfAbsent(target, t -> new GpuKernels(device));
    }
}
