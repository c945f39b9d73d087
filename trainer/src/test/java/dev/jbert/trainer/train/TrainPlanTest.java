package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.cli.UserException;
import dev.jbert.engine.train.LrSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The step arithmetic of {@link TrainingPlan} against Hugging Face's {@code _inner_training_loop}. */
class TrainPlanTest {

    private static TrainingArguments args(double epochs, int maxSteps, int accumulation, int warmupSteps,
                                          double warmupRatio, double loggingSteps) {
        TrainingArguments d = TrainingArguments.defaults();
        return new TrainingArguments(d.learningRate(), epochs, maxSteps, d.batchSize(), d.evalBatchSize(),
                d.weightDecay(), d.adamBeta1(), d.adamBeta2(), d.adamEpsilon(), warmupSteps, warmupRatio,
                LrSchedule.Kind.LINEAR, d.maxGradNorm(), accumulation, d.seed(), d.dataSeed(), d.evalStrategy(), 0,
                d.loggingStrategy(), loggingSteps, false, d.saveStrategy(), d.saveSteps(), 0, false, null, false, 0, 0,
                null, true, false, 0.5);
    }

    @ParameterizedTest(name = "{0} batches, accumulation {1}, epochs {2}, max steps {3}")
    @CsvSource({
        // batches, accumulation, epochs, max_steps, -> per epoch, max steps, epochs to visit
        "10, 1, 3, -1, 10, 30, 3",
        "10, 4, 3, -1, 2, 6, 3",      // floor(10/4) = 2 updates per epoch for the totals
        "3, 4, 2, -1, 1, 2, 2",       // max(1, 3 // 4) = 1
        "10, 1, 2.5, -1, 10, 25, 3",  // ceil(2.5 x 10) steps, ceil(2.5) epochs
        "10, 1, 3, 25, 10, 25, 3",    // max_steps wins: 25 // 10 + (25 % 10 > 0)
        "10, 1, 3, 20, 10, 20, 2",
        "1, 1, 3, 10, 1, 10, 10"})
    void totalsAsHuggingFace(int batches, int ga, double epochs, int maxSteps, int perEpoch, int total, int visit) {
        TrainingPlan p = TrainingPlan.of(args(epochs, maxSteps, ga, 0, 0, 500), batches);
        assertEquals(perEpoch, p.updatesPerEpoch(), "num_update_steps_per_epoch");
        assertEquals(total, p.maxSteps(), "max_steps");
        assertEquals(visit, p.numTrainEpochs(), "num_train_epochs");
    }

    @Test
    void lastStepOfAnEpochTakesTheRemainingMicroBatches() {
        TrainingPlan p = TrainingPlan.of(args(3, -1, 4, 0, 0, 500), 10);
        assertEquals(3, p.stepsInEpoch(4), "ceil(10 / 4) optimizer steps in an epoch");
        assertEquals(4, p.microBatches(0, 4));
        assertEquals(4, p.microBatches(4, 4));
        assertEquals(2, p.microBatches(8, 4), "HF's remainder");
    }

    @Test
    void warmupRatioIsCeiledAndStepsWin() {
        assertEquals(3, TrainingPlan.of(args(1, 25, 1, 0, 0.1, 500), 5).warmupSteps(), "ceil(0.1 x 25)");
        assertEquals(7, TrainingPlan.of(args(1, 25, 1, 7, 0.5, 500), 5).warmupSteps(), "warmup_steps > 0 wins");
        LrSchedule s = TrainingPlan.of(args(1, 10, 1, 3, 0, 500), 5).schedule(args(1, 10, 1, 3, 0, 500));
        assertEquals(0.0, s.lr(0));
        assertEquals(5e-5, s.lr(3), 1e-20);
    }

    @Test
    void stepsBelowOneAreRatiosOfTheTotal() {
        TrainingPlan p = TrainingPlan.of(args(1, 200, 1, 0, 0, 0.05), 10);
        assertEquals(10, p.loggingSteps(), "ceil(200 x 0.05)");
        assertEquals(10, p.evalSteps(), "eval_steps defaults to logging_steps");
    }

    @Test
    void badArgumentsNameTheFlag() {
        UserException e = assertThrows(UserException.class, () -> args(3, -1, 0, 0, 0, 500));
        assertTrue(e.getMessage().startsWith("--gradient-accumulation-steps"), e.getMessage());
        e = assertThrows(UserException.class, () -> args(3, -1, 1, 0, 1.5, 500));
        assertTrue(e.getMessage().startsWith("--warmup-ratio"), e.getMessage());
        e = assertThrows(UserException.class, () -> args(3, -1, 1, 0, 0, 2.5));
        assertTrue(e.getMessage().startsWith("--logging-steps"), e.getMessage());
        e = assertThrows(UserException.class, () -> args(0, -1, 1, 0, 0, 500));
        assertTrue(e.getMessage().startsWith("--epochs"), e.getMessage());
    }
}
