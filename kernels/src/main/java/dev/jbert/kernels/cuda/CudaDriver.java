package dev.jbert.kernels.cuda;

import dev.jbert.engine.backend.BackendUnavailableException;
import java.util.Locale;
import jcuda.driver.JCudaDriver;

/**
 * Loads JCuda's binding of the CUDA driver API once per JVM. The binding ({@code libJCudaDriver},
 * unpacked from the {@code jcuda-natives} jar) links {@code libcuda.so.1}, which only an installed
 * NVIDIA driver provides: without one, the class {@link JCudaDriver} fails to initialise and stays
 * unusable for the life of the JVM. The first failure is therefore remembered and every later
 * attempt reports the same one-sentence reason instead of a {@code NoClassDefFoundError}.
 *
 * <p>Once loaded, JCuda's own exceptions are switched off: every call's result code is checked by
 * the caller ({@link CudaErrors}).
 */
final class CudaDriver {
    /** The reason given when {@code libcuda.so.1} is missing (no NVIDIA driver installed). */
    static final String NO_DRIVER = "no NVIDIA driver found (libcuda.so.1 could not be loaded): "
            + "the CUDA backend needs an NVIDIA GPU with driver ≥ 580; use --device cpu";

    private static boolean loaded;
    private static BackendUnavailableException failure;

    private CudaDriver() {
    }

    /** Loads the binding, or throws the (same) BackendUnavailableException on every call if it cannot. */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        if (failure == null) {
            try {
                JCudaDriver.setExceptionsEnabled(false);
                loaded = true;
                return;
            } catch (LinkageError | RuntimeException e) {
                // UnsatisfiedLinkError (no libcuda.so.1, no native library for this platform),
                // NoClassDefFoundError (the class failed to initialise before), CudaException
                failure = new BackendUnavailableException(reason(e), e);
            }
        }
        throw new BackendUnavailableException(failure.getMessage(), failure.getCause());
    }

    /** One sentence for why the binding did not load, from the loader's (many-line) message. */
    static String reason(Throwable e) {
        String all = messages(e);
        if (all.contains("libcuda.so")) {
            return NO_DRIVER;
        }
        String os = System.getProperty("os.name", "?") + "/" + System.getProperty("os.arch", "?");
        return "JCuda's native driver binding could not be loaded on " + os + " (" + firstCause(e)
                + "): the CUDA backend runs on Linux x86-64 with an NVIDIA driver ≥ 580; use --device cpu";
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    /** The most specific line of the loader's message: the last "...Error: ..." line, shortened. */
    private static String firstCause(Throwable e) {
        String best = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (String line : m.split("\\R")) {
                String s = line.strip();
                int at = s.lastIndexOf("Error: ");
                if (at >= 0) {
                    best = s.substring(at + "Error: ".length());
                } else if (best.equals(e.getClass().getSimpleName()) && !s.isEmpty()) {
                    best = s;
                }
            }
        }
        return best.length() > 200 ? best.substring(0, 200) + "…" : best;
    }

    /** A driver's CUDA version as the driver API reports it (13000) in words ("13.0"). */
    static String cudaVersion(int driverVersion) {
        return String.format(Locale.ROOT, "%d.%d", driverVersion / 1000, driverVersion % 1000 / 10);
    }
}
