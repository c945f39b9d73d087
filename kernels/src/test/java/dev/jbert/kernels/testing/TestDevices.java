package dev.jbert.kernels.testing;

import dev.jbert.kernels.cuda.CudaDevice;
import dev.jbert.kernels.cuda.GpuAvailability;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.emulator.Emulator;
import dev.jbert.kernels.ops.GpuKernels;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The devices the kernel and device-model tests run on, as a JUnit 5 argument source
 * ({@code @MethodSource("dev.jbert.kernels.testing.TestDevices#targets")}): the CPU emulator of our
 * kernels, always (it builds its library with g++ and fails the test visibly when it cannot), and
 * a real CUDA GPU, which is skipped visibly, with the reason, where there is none.
 *
 * <p>Each device is opened once per test JVM and shared by every test (and with other packages'
 * tests); tests free what they allocate and never close a device.
 */
public final class TestDevices {
    /** Where a test runs. */
    public enum Target {
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

    private TestDevices() {
    }

    /** Every target, for {@code @MethodSource}. */
    public static Stream<Target> targets() {
        return Stream.of(Target.values());
    }

    /** (target, case, index of the case) for every target and case, for {@code @MethodSource}. */
    public static Stream<Arguments> onEveryTarget(List<?> cases) {
        return Stream.of(Target.values()).flatMap(target -> IntStream.range(0, cases.size())
                .mapToObj(i -> Arguments.of(target, cases.get(i), i)));
    }

    /** The device of {@code target}; for the GPU, a JUnit assumption fails (the test is skipped) when none is here. */
    public static Device device(Target target) {
        return switch (target) {
            case EMULATOR -> Emulator.device();
            case GPU -> {
                Optional<CudaDevice> gpu = Gpu.DEVICE;
                Assumptions.assumeTrue(gpu.isPresent(), () -> "no CUDA GPU here: " + Gpu.REASON);
                yield gpu.orElseThrow();
            }
        };
    }

    /** The launchers of {@code target}'s device (one instance per device, so kernel lookups are cached). */
    public static synchronized GpuKernels kernels(Target target) {
        Device device = device(target);
        return KERNELS.computeIfAbsent(target, t -> new GpuKernels(device));
    }

    /** The GPU of this JVM (shared with other packages' tests through GpuAvailability; never closed here). */
    private static final class Gpu {
        static final Optional<CudaDevice> DEVICE = GpuAvailability.tryOpen();
        static final String REASON = DEVICE.isPresent() ? "" : GpuAvailability.reason();

        private Gpu() {
        }
    }
}
