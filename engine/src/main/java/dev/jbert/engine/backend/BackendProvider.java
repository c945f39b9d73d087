package dev.jbert.engine.backend;

/** A backend implementation found through {@link java.util.ServiceLoader}. */
public interface BackendProvider {
    /** The name users pass to {@code --device}, e.g. {@code cuda}. */
    String name();

    /**
     * Creates the backend, or throws {@link BackendUnavailableException} with one clear
     * sentence saying why it cannot run here (no driver, no GPU, ...).
     */
    Backend create();
}
