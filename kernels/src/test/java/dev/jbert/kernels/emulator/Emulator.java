package dev.jbert.kernels.emulator;

import dev.jbert.kernels.device.Device;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * The CPU emulator of our CUDA kernels for JUnit tests: {@link #device()} is a {@link Device} that
 * runs the very {@code .cu} sources of the PTX, compiled for the CPU, so the CUDA backend's host
 * code can be tested end to end without a GPU.
 * <pre>
 *   Device device = Emulator.device();              // shared by the whole test JVM; never close it
 *   EmulatedDevice small = Emulator.newDevice(1 &lt;&lt; 20);   // an own one, 1 MiB, to close
 * </pre>
 * The first call builds {@code libjbemu.so} with g++ ({@link EmulatorBuild}; ~10 to 30 s, then
 * reused from {@code java.io.tmpdir} by every JVM while the sources stay the same) and loads it.
 * Where the machine cannot build it (no g++, no kernel sources, not Linux) the calling test is
 * aborted, visibly: "no CPU emulator of the CUDA kernels: &lt;reason&gt;". Where the build itself
 * fails (a kernel that does not compile as C++), the test fails with the compiler's output.
 */
public final class Emulator {
    /** Memory of the shared device unless {@value #MEMORY_PROPERTY} says otherwise: 4 GiB. */
    public static final long DEFAULT_CAPACITY = 4L << 30;
    /** System property: the shared device's memory, in bytes or with a k, m or g suffix ({@code 512m}). */
    public static final String MEMORY_PROPERTY = "jbert.emulator.memory";

    private static EmulatorLibrary library;
    private static EmulatorBuild.Unavailable unavailable;
    private static EmulatedDevice shared;

    private Emulator() {
    }

    /**
     * The emulated device shared by every test of this JVM ({@value #MEMORY_PROPERTY} bytes,
     * default 4 GiB); its {@code close()} does nothing. Tests free what they allocate.
     */
    public static synchronized Device device() {
        if (shared == null) {
            shared = new EmulatedDevice(library(), capacity(), true);
        }
        return shared;
    }

    /** A new emulated device of its own with {@code capacity} bytes of memory, for the caller to close. */
    public static EmulatedDevice newDevice(long capacity) {
        return new EmulatedDevice(library(), capacity, false);
    }

    /** Where the loaded {@code libjbemu.so} is (builds and loads it first, as {@link #device()}). */
    public static Path libraryPath() {
        return library().path();
    }

    /** The loaded library; aborts or fails the calling test as the class comment says when there is none. */
    static synchronized EmulatorLibrary library() {
        if (library == null && unavailable == null) {
            try {
                library = EmulatorLibrary.load(EmulatorBuild.library());
            } catch (EmulatorBuild.Unavailable e) {
                unavailable = e;
            }
        }
        if (unavailable != null) {
            String reason = "no CPU emulator of the CUDA kernels: " + unavailable.getMessage();
            if (unavailable.isMachine()) {
                Assumptions.abort(reason);
            }
            throw new IllegalStateException(reason, unavailable);
        }
        return library;
    }

    private static long capacity() {
        String value = System.getProperty(MEMORY_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_CAPACITY;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n >= 1 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + MEMORY_PROPERTY + ": expected a number of bytes ≥ 1, optionally with k, m or g"
                + " (e.g. 512m), found '" + value + "'");
    }
}
