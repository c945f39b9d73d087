package dev.jbert.engine.backend;

/**
 * A backend implementation found through {@link java.util.ServiceLoader}: a jar that offers one
 * lists its provider class in {@code META-INF/services/dev.jbert.engine.backend.BackendProvider}.
 */
public interface BackendProvider {
    /** The name users pass to {@code --device}, e.g. {@code cuda}. */
    String name();

    /**
     * Creates the backend with default options, or throws {@link BackendUnavailableException} with
     * one clear sentence saying why it cannot run here (no driver, no GPU, ...).
     */
    Backend create();

    /**
     * Creates the backend for a device index and precision. The default accepts only the defaults
     * (device 0, the backend's own precision) and says so otherwise; a provider with more to offer
     * overrides it.
     */
    default Backend create(BackendOptions options) {
        if (options.deviceIndex() != 0) {
            throw new BackendUnavailableException("device '" + name() + "' has no device index "
                    + options.deviceIndex() + ": use --device " + name());
        }
        if (options.precision() != null) {
            throw new BackendUnavailableException("device '" + name() + "' does not take --precision "
                    + options.precision() + ": leave --precision out");
        }
        return create();
    }
}
