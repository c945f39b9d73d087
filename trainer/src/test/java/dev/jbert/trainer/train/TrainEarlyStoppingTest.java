package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EarlyStopping} and {@link BestMetric} as Hugging Face's {@code EarlyStoppingCallback} and
 * {@code _determine_best_metric}: the callback sees each evaluation before the best is updated.
 */
class TrainEarlyStoppingTest {

    /** One evaluation as the trainer handles it: early stopping first, then the best metric. */
    private static boolean evaluate(TrainerState state, EarlyStopping es, BestMetric best, double value) {
        state.globalStep++;
        Map<String, Double> logs = Map.of(best.key(), value);
        boolean stop = es.onEvaluate(state, logs);
        best.update(state, logs, true);
        return stop;
    }

    @Test
    void lossThatStopsImprovingStopsAfterPatience() {
        BestMetric best = new BestMetric("loss", false);
        EarlyStopping es = new EarlyStopping(best, 2, 0.0);
        TrainerState s = new TrainerState();
        assertFalse(evaluate(s, es, best, 0.9));
        assertFalse(evaluate(s, es, best, 0.7));
        assertEquals(0.7, s.bestMetric);
        assertEquals(2, s.bestGlobalStep);
        assertFalse(evaluate(s, es, best, 0.8), "one evaluation without improvement");
        assertEquals(1, s.earlyStoppingPatienceCounter);
        assertTrue(evaluate(s, es, best, 0.7), "equal is no improvement: the second one stops");
        assertEquals(0.7, s.bestMetric);
        assertEquals(2, s.bestGlobalStep);
    }

    @Test
    void improvementsWithinTheThresholdDoNotCount() {
        BestMetric best = new BestMetric("accuracy", true);
        EarlyStopping es = new EarlyStopping(best, 1, 0.05);
        TrainerState s = new TrainerState();
        assertFalse(evaluate(s, es, best, 0.60));
        assertTrue(evaluate(s, es, best, 0.64), "better by 0.04 only");
        assertEquals(0.64, s.bestMetric, "the best metric still moves (HF's _determine_best_metric has no threshold)");
    }

    @Test
    void anImprovementResetsTheCounter() {
        BestMetric best = new BestMetric("accuracy", true);
        EarlyStopping es = new EarlyStopping(best, 2, 0.0);
        TrainerState s = new TrainerState();
        evaluate(s, es, best, 0.5);
        evaluate(s, es, best, 0.4);
        assertEquals(1, s.earlyStoppingPatienceCounter);
        evaluate(s, es, best, 0.6);
        assertEquals(0, s.earlyStoppingPatienceCounter);
    }

    @Test
    void nanIsNeverBest() {
        BestMetric best = new BestMetric("f1", true);
        TrainerState s = new TrainerState();
        assertFalse(best.update(s, Map.of(), true), "absent: NaN");
        assertEquals(Double.NEGATIVE_INFINITY, s.bestMetric, "HF starts from -inf");
        assertTrue(best.update(s, Map.of("eval_f1", 0.1), true));
    }
}
