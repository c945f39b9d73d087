package dev.jbert.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CudaDevice and Cublas through JCuda's real native bindings, on a machine without a GPU: a fake
 * {@code libcuda.so.1} and {@code libcublas.so.12} (C sources in this package's test resources,
 * compiled here with the system C compiler) stand in for the driver and cuBLAS, with device memory
 * in host memory and two kernels run on the CPU. A child JVM with them on its library path runs
 * the GPU tests themselves and the open/load failures the fake can be told to produce. This
 * checks what the real GPU tests cannot check without one: that addresses, kernel parameters,
 * array offsets, JIT logs and cuBLAS arguments cross JNI as intended, and that each failure gives
 * its one-sentence message. Skipped, saying why, off Linux x86-64 or without a C compiler.
 */
class FakeDriverTest {
    private static Path libraries;

    @BeforeAll
    static void buildFakes() throws Exception {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        Assumptions.assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "the fake CUDA driver is built for Linux x86-64, this is " + os + "/" + arch);
        libraries = Files.createTempDirectory("jbert-fake-cuda");
        for (String name : List.of("fakecuda.c", "fakecublas.c", "fakecublas.map")) {
            try (InputStream in = FakeDriverTest.class.getResourceAsStream("fakedriver/" + name)) {
                Files.copy(in, libraries.resolve(name));
            }
        }
        String cc = compiler();
        Assumptions.assumeTrue(cc != null, "no C compiler (cc, gcc) to build the fake CUDA driver");
        compile(cc, "-o", "libcuda.so.1", "fakecuda.c", "-Wl,-soname,libcuda.so.1");
        compile(cc, "-o", "libcublas.so.12", "fakecublas.c", "-Wl,-soname,libcublas.so.12",
                "-Wl,--version-script=fakecublas.map");
    }

    @AfterAll
    static void removeFakes() throws IOException {
        if (libraries != null) {
            try (Stream<Path> files = Files.walk(libraries)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void gpuTestsPassAgainstTheFakeDriver() throws Exception {
        List<String> lines = probe(Map.of(), "tests");
        List<String> results = lines.stream().filter(l -> l.matches("(PASS|SKIP|FAIL) .*")).toList();
        List<String> failed = results.stream().filter(l -> !l.startsWith("PASS ")).toList();
        assertTrue(failed.isEmpty(), "against the fake driver: " + failed + "\nfull output: " + lines);
        long device = results.stream().filter(l -> l.startsWith("PASS CudaDeviceGpuTest.")).count();
        long cublas = results.stream().filter(l -> l.startsWith("PASS CublasGpuTest.")).count();
        assertTrue(device >= 12 && cublas >= 3, device + " device and " + cublas + " cuBLAS tests passed: " + results);
    }

    @Test
    void opensAndLoadsKernels() throws Exception {
        List<String> lines = opens(Map.of(), 0);
        assertEquals(List.of("OPENED Fake GPU 0 (sm_90, 132 SMs, 1.0 GiB, CUDA driver 13.0)", "KERNEL OK",
                "OPENED Fake GPU 0 (sm_90, 132 SMs, 1.0 GiB, CUDA driver 13.0)", "KERNEL OK"), lines);
    }

    @Test
    void noGpu() throws Exception {
        unavailable(Map.of("FAKE_CUDA_INIT", "100"), 0,
                "no CUDA GPU found (cuInit: CUDA_ERROR_NO_DEVICE (100)), although an NVIDIA driver is installed; use --device cpu");
        unavailable(Map.of("FAKE_CUDA_COUNT", "0"), 0,
                "no CUDA GPU found (cuDeviceGetCount is 0), although an NVIDIA driver is installed; use --device cpu");
    }

    @Test
    void stubLibraryInsteadOfDriver() throws Exception {
        unavailable(Map.of("FAKE_CUDA_INIT", "34"), 0, "libcuda.so.1 is the CUDA toolkit's stub library, not an NVIDIA driver"
                + " (cuInit: CUDA_ERROR_STUB_LIBRARY (34)); install the NVIDIA driver ≥ 580 or use --device cpu");
    }

    @Test
    void ordinalOutOfRange() throws Exception {
        unavailable(Map.of("FAKE_CUDA_COUNT", "2"), 2,
                "there is no CUDA GPU with ordinal 2: this machine has 2 CUDA GPUs (ordinals 0 to 1)");
    }

    @Test
    void gpuOlderThanAmpere() throws Exception {
        unavailable(Map.of("FAKE_CUDA_CC", "75"), 0, "Fake GPU 0 has compute capability 7.5, but the CUDA kernels need 8.0"
                + " or newer (Ampere, Ada, Hopper or later); use --device cpu");
    }

    @Test
    void driverOlderThanR580() throws Exception {
        unavailable(Map.of("FAKE_CUDA_DRIVER", "12080"), 0, "the NVIDIA driver supports CUDA 12.8 (cuDriverGetVersion 12080),"
                + " but the CUDA kernels are PTX ISA 9.0 and need a driver for CUDA 13.0 or newer (≥ 580);"
                + " update the NVIDIA driver or use --device cpu");
    }

    @Test
    void moduleLoadFailuresNameTheCauseAndCarryTheJitLog() throws Exception {
        String log = "; JIT log: ptxas fatal   : fake failure | second line";
        assertEquals("KERNEL DeviceException: cannot load elementwise.ptx: the NVIDIA driver (CUDA 13.0, cuDriverGetVersion 13000)"
                + " does not know PTX ISA 9.0 (CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222)); the CUDA kernels need a driver ≥ 580" + log,
                opens(Map.of("FAKE_CUDA_PTX", "222"), 0).get(1));
        assertEquals("KERNEL DeviceException: cannot load elementwise.ptx on Fake GPU 0 (sm_90): CUDA_ERROR_NO_BINARY_FOR_GPU (209);"
                + " the PTX targets sm_80 and needs compute capability 8.0 or newer" + log,
                opens(Map.of("FAKE_CUDA_PTX", "209"), 0).get(1));
        assertEquals("KERNEL DeviceException: loading elementwise.ptx on Fake GPU 0 failed: CUDA_ERROR_INVALID_PTX (218)" + log,
                opens(Map.of("FAKE_CUDA_PTX", "218"), 0).get(1));
    }

    /** Both attempts fail with exactly {@code message}. */
    private static void unavailable(Map<String, String> env, int ordinal, String message) throws Exception {
        assertEquals(List.of("UNAVAILABLE " + message, "UNAVAILABLE " + message), opens(env, ordinal));
    }

    private static List<String> opens(Map<String, String> env, int ordinal) throws Exception {
        return probe(env, "open", Integer.toString(ordinal)).stream()
                .filter(l -> l.matches("(UNAVAILABLE|OPENED|KERNEL) .*")).toList();
    }

    /** Runs {@link FakeDriverProbe} in a child JVM with the fakes on its library path; its output lines. */
    private static List<String> probe(Map<String, String> env, String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath, FakeDriverProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", libraries.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, p.exitValue(), "the probe JVM survived: " + out);
        return out.lines().toList();
    }

    private static String compiler() {
        for (String cc : List.of("cc", "gcc")) {
            try {
                Process p = new ProcessBuilder(cc, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return cc;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }

    private static void compile(String cc, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cc, "-shared", "-fPIC", "-O1"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(libraries.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed: " + out));
        }
    }
}
