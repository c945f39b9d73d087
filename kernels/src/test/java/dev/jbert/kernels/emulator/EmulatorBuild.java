package dev.jbert.kernels.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds {@code libjbemu.so} from the kernel sources with {@code emulator/build-lib.sh}, into
 * {@code ${java.io.tmpdir}/jbert-emu-<hash>/}, where the hash covers every {@code .cu},
 * {@code .cuh} and emulator file (and {@code $CXX}): a JVM reuses what an earlier one built from
 * the same sources, and an edited kernel gets a fresh build. The script builds under a temporary
 * name and renames, so JVMs building at once do not see half-written files.
 */
final class EmulatorBuild {
    /** Where the kernel sources are, when the working directory does not lead to them. */
    static final String SOURCES_PROPERTY = "jbert.kernels.cuda.dir";
    private static final String CUDA_DIR = "src/main/cuda";
    private static final String BUILD_SCRIPT = "emulator/build-lib.sh";
    private static final long TIMEOUT_MINUTES = 15;

    /** Why there is no library: the machine lacks something (skip the tests) or the build broke (fail them). */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean machine;

        Unavailable(String reason, boolean machine) {
            super(reason);
            this.machine = machine;
        }

        /** True when the machine cannot build it (no compiler, no sources, not Linux); false for a broken build. */
        boolean isMachine() {
            return machine;
        }
    }

    private EmulatorBuild() {
    }

    /** The built library (built now if this version of the sources has not been built yet). */
    static Path library() throws Unavailable {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new Unavailable("the emulator needs Linux (ucontext, mmap), this is " + os, true);
        }
        Path cuda = sources();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jbert-emu-" + hash(cuda));
        Path library = dir.resolve("libjbemu.so");
        if (Files.isRegularFile(library)) {
            return library;
        }
        run(cuda.resolve(BUILD_SCRIPT), dir);
        if (!Files.isRegularFile(library)) {
            throw new Unavailable(cuda.resolve(BUILD_SCRIPT) + " succeeded but " + library + " is missing", false);
        }
        return library;
    }

    /**
     * The kernel sources ({@code kernels/src/main/cuda}): the system property
     * {@value #SOURCES_PROPERTY}, else {@code src/main/cuda} under the working directory (tests of
     * the kernels module), else {@code kernels/src/main/cuda} under it or any folder above it
     * (tests of other modules).
     */
    static Path sources() throws Unavailable {
        String configured = System.getProperty(SOURCES_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(p.resolve(BUILD_SCRIPT))) {
                throw new Unavailable("-D" + SOURCES_PROPERTY + "=" + configured + " has no " + BUILD_SCRIPT, true);
            }
            return p;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (Files.isRegularFile(start.resolve(CUDA_DIR).resolve(BUILD_SCRIPT))) {
            return start.resolve(CUDA_DIR);
        }
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve("kernels").resolve(CUDA_DIR);
            if (Files.isRegularFile(candidate.resolve(BUILD_SCRIPT))) {
                return candidate;
            }
        }
        throw new Unavailable("the kernel sources (kernels/" + CUDA_DIR + "/" + BUILD_SCRIPT + ") are not under " + start
                + " nor any folder above it (set -D" + SOURCES_PROPERTY + ")", true);
    }

    /** SHA-256 of the sources the library is built from and of $CXX, as 16 hex digits. */
    static String hash(Path cuda) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> top = Files.list(cuda); Stream<Path> emulator = Files.list(cuda.resolve("emulator"))) {
            top.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).forEach(files::add);
            emulator.filter(Files::isRegularFile).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("listing the kernel sources in " + cuda + " failed: " + e.getMessage(), e);
        }
        files.sort(null);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                sha.update(cuda.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            sha.update(String.valueOf(System.getenv("CXX")).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the kernel sources in " + cuda + " failed: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static void run(Path script, Path dir) throws Unavailable {
        Process p;
        try {
            p = new ProcessBuilder("bash", script.toString(), dir.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Unavailable("cannot run bash " + script + ": " + e.getMessage(), true);
        }
        String output;
        int status;
        try {
            p.getOutputStream().close();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new Unavailable(script + " did not finish within " + TIMEOUT_MINUTES + " minutes", false);
            }
            status = p.exitValue();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new Unavailable("reading the output of " + script + " failed: " + e.getMessage(), false);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while building the emulator with " + script, false);
        }
        if (status == 2) {
            throw new Unavailable(lastLines(output, 3), true);
        }
        if (status != 0) {
            throw new Unavailable(script + " failed (exit status " + status + "):\n" + lastLines(output, 40), false);
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
