package dev.jbert.trainer.onnx;

import dev.jbert.engine.tensor.Tensor;
import java.util.List;
import java.util.SortedMap;

/**
 * The graph's parameters under their Hugging Face names, in name order, with what was left out
 * (buffers such as {@code embeddings.position_ids}, folded graph constants) and why.
 */
public record MappedWeights(SortedMap<String, Tensor> tensors, List<String> skipped) {

    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.size();
        }
        return n;
    }
}
