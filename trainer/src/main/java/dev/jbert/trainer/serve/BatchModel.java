package dev.jbert.trainer.serve;

import java.util.List;

/**
 * What the {@link ModelWorker} runs: one row of logits {@code [N, L]} per input, in input order.
 * Called from one thread only, so an implementation need not be thread-safe.
 */
@FunctionalInterface
public interface BatchModel {
    float[][] logits(List<TextInput> inputs);
}
