package dev.jbert.engine.nn;

import dev.jbert.engine.backend.Backend;

/**
 * What a forward pass needs besides its inputs: the backend, training or evaluation (dropout),
 * whether to keep activations for backward, and the
 * dropout seed and call counter. Dropout masks are a pure function of (seed, site, counter),
 * so a run is reproducible and a resumed run draws the same masks as an uninterrupted one.
 */
public final class RunContext {
    private final Backend backend;
    private boolean training;
    private boolean keepForBackward;
    private long seed;
    private long counter;

    public RunContext(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    public boolean training() {
        return training;
    }

    public RunContext training(boolean on) {
        this.training = on;
        return this;
    }

    /**
     * Whether forward keeps what backward needs (pre-activations, LayerNorm statistics).
     * Independent of {@link #training()}: gradients of a model in evaluation mode (dropout off)
     * are what the golden files hold.
     */
    public boolean keepForBackward() {
        return keepForBackward;
    }

    public RunContext keepForBackward(boolean on) {
        this.keepForBackward = on;
        return this;
    }

    public long seed() {
        return seed;
    }

    public RunContext seed(long s) {
        this.seed = s;
        return this;
    }

    /** Advanced once per training forward pass; part of a checkpoint's RNG state. */
    public long counter() {
        return counter;
    }

    public RunContext counter(long c) {
        this.counter = c;
        return this;
    }

    void advance() {
        counter++;
    }
}
