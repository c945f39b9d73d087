package dev.jbert.engine.train;

import dev.jbert.engine.config.ProblemType;

import dev.jbert.engine.tensor.Tensor;

/**
 * A training loss over a batch of logits, forward and backward in one call (PyTorch's
 * {@code loss = fn(logits, labels); loss.backward()} up to the logits).
 *
 * <p>Implementations read the float32 logits, compute in double and round the loss (and each
 * gradient element) to float32 once at the end. PyTorch computes in float32 with its own
 * summation orders, so results agree with it to within float32 rounding (≈1e-7 relative), not
 * bit for bit; they are closer to PyTorch's float64 results.
 */
public interface Loss {

    /**
     * The mean loss of the batch.
     *
     * @param logits    {@code [B, L]} (a rank-1 {@code [B]} is taken as {@code [B, 1]})
     * @param labels    the batch's labels, of the kind this loss needs
     * @param dLogits   null for forward only; otherwise same size as {@code logits}, overwritten
     *                  with {@code gradScale · dLoss/dLogits}
     * @param gradScale factor applied to the gradient only, e.g. {@code 1/accumulationSteps}
     */
    float forward(Tensor logits, Labels labels, Tensor dLogits, double gradScale);

    /** {@link #forward(Tensor, Labels, Tensor, double)} with gradient scale 1. */
    default float forward(Tensor logits, Labels labels, Tensor dLogits) {
        return forward(logits, labels, dLogits, 1.0);
    }

    /** The loss Hugging Face's {@code *ForSequenceClassification} uses, unweighted. */
    static Loss forProblem(ProblemType type) {
        return forProblem(type, null, null);
    }

    /**
     * The loss Hugging Face's {@code *ForSequenceClassification} uses for a problem type:
     * {@link CrossEntropyLoss} (ignore index -100), {@link BCEWithLogitsLoss} or {@link MSELoss}.
     *
     * @param classWeights per-class weights {@code [L]} (single-label only), or null
     * @param posWeight    per-label positive weights {@code [L]} (multi-label only), or null
     */
    static Loss forProblem(ProblemType type, float[] classWeights, float[] posWeight) {
        if (type == null) {
            throw new IllegalArgumentException("problem type must not be null");
        }
        if (classWeights != null && type != ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            throw new IllegalArgumentException("class weights apply to single_label_classification only, not "
                    + type.hfName());
        }
        if (posWeight != null && type != ProblemType.MULTI_LABEL_CLASSIFICATION) {
            throw new IllegalArgumentException("pos_weight applies to multi_label_classification only, not "
                    + type.hfName());
        }
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> new CrossEntropyLoss(classWeights, CrossEntropyLoss.DEFAULT_IGNORE_INDEX);
            case MULTI_LABEL_CLASSIFICATION -> new BCEWithLogitsLoss(posWeight);
            case REGRESSION -> new MSELoss();
        };
    }
}
