package dev.jbert.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** Finds a backend by name: {@code cpu} is built in, others come through ServiceLoader. */
public final class Backends {
    private static final Backend CPU = new CpuBackend();

    private Backends() {
    }

    public static Backend cpu() {
        return CPU;
    }

    public static Backend byName(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return CPU;
        }
        List<String> known = new ArrayList<>(List.of("cpu"));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equalsIgnoreCase(n)) {
                return p.create();
            }
            known.add(p.name());
        }
        if (n.equals("cuda")) {
            throw new BackendUnavailableException("device 'cuda' is not available: no CUDA backend is"
                    + " registered on the class path (this build has none yet); use --device cpu");
        }
        throw new BackendUnavailableException("unknown device '" + name + "' (expected one of " + known + ")");
    }
}
