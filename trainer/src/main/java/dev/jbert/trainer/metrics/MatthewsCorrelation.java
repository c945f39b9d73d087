package dev.jbert.trainer.metrics;

/**
 * Matthews correlation coefficient, as scikit-learn's {@code matthews_corrcoef}, in its
 * multi-class form (Gorodkin's R_K), which for two classes is the familiar
 * (tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)).
 */
public final class MatthewsCorrelation {
    private MatthewsCorrelation() {
    }

    /**
     * With t = row sums, p = column sums, c = trace, s = total:
     * (c·s − t·p) / √((s² − p·p)(s² − t·t)); 0.0 where the denominator is zero (all true or all
     * predicted labels in one class), as scikit-learn.
     */
    public static double of(ConfusionMatrix confusion) {
        int classes = confusion.numClasses();
        double correct = confusion.correct();
        double samples = confusion.total();
        double truePredicted = 0; // t · p
        double predictedSquared = 0; // p · p
        double trueSquared = 0; // t · t
        for (int c = 0; c < classes; c++) {
            double t = confusion.support(c);
            double p = confusion.predicted(c);
            truePredicted += t * p;
            predictedSquared += p * p;
            trueSquared += t * t;
        }
        double covTruePred = correct * samples - truePredicted;
        double covPredPred = samples * samples - predictedSquared;
        double covTrueTrue = samples * samples - trueSquared;
        if (covPredPred * covTrueTrue == 0) {
            return 0.0;
        }
        return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
    }
}
