package dev.jbert.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds a backend by the name given to {@code --device}: {@code cpu} is built in, others come
 * through {@link ServiceLoader} ({@link BackendProvider}), e.g. {@code cuda} from the
 * {@code jbert-kernels} jar. A name may carry a device index, {@code cuda:1}; a precision
 * ({@code --precision}) reaches the provider in {@link BackendOptions}.
 */
public final class Backends {
    private static final Backend CPU = new CpuBackend();

    private Backends() {
    }

    public static Backend cpu() {
        return CPU;
    }

    /** The backend {@code name} ({@code cpu}, {@code cuda}, {@code cuda:N}) in its default precision. */
    public static Backend byName(String name) {
        return byName(name, null);
    }

    /**
     * The backend {@code device} ({@code cpu}, {@code cuda}, {@code cuda:N}; null is {@code cpu})
     * computing in {@code precision} ({@code fp32}, {@code tf32}, {@code bf16}; null: the backend's
     * default). Throws {@link BackendUnavailableException} with one sentence when the device is
     * unknown, absent or cannot compute in that precision, and {@link IllegalArgumentException}
     * for a precision that does not exist.
     */
    public static Backend byName(String device, String precision) {
        String n = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
        int index = 0;
        int colon = n.indexOf(':');
        if (colon >= 0) {
            index = deviceIndex(device, n.substring(colon + 1));
            n = n.substring(0, colon);
        }
        BackendOptions options = new BackendOptions(index, precision);
        if (n.equals("cpu")) {
            if (colon >= 0) {
                throw new BackendUnavailableException("device '" + device + "': the CPU takes no device index;"
                        + " use --device cpu");
            }
            if (options.precision() != null && !options.precision().equals("fp32")) {
                throw new BackendUnavailableException("--precision " + options.precision()
                        + " needs --device cuda (the CPU computes in float32)");
            }
            return CPU;
        }
        List<String> known = new ArrayList<>(List.of("cpu"));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equalsIgnoreCase(n)) {
                return p.create(options);
            }
            known.add(p.name());
        }
        if (n.equals("cuda")) {
            throw new BackendUnavailableException("device 'cuda' is not available: the CUDA backend (the"
                    + " jbert-kernels jar) is not on the class path; use --device cpu");
        }
        throw new BackendUnavailableException("unknown device '" + device + "' (expected one of " + known + ")");
    }

    private static int deviceIndex(String device, String digits) {
        try {
            int i = Integer.parseInt(digits);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BackendUnavailableException("device '" + device + "': expected a device index after ':',"
                + " e.g. cuda:0");
    }
}
