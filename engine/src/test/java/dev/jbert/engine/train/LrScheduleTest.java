package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

    /** The lr of every step of all six golden trajectories: linear, warm-up 3 of 10, 5e-4. */
    @Test
    void goldenTrajectories() throws IOException {
        for (String model : TrainGolden.MODELS) {
            for (String head : TrainGolden.HEADS) {
                JsonNode results = TrainGolden.results(model, head);
                JsonNode opt = results.get("optimizer");
                assertEquals("get_linear_schedule_with_warmup", opt.get("schedule").asText());
                LrSchedule schedule = new LrSchedule(LrSchedule.Kind.LINEAR, opt.get("lr").asDouble(),
                        opt.get("num_warmup_steps").asLong(), opt.get("num_training_steps").asLong());
                JsonNode trajectory = results.get("trajectory");
                assertEquals(10, trajectory.size());
                for (JsonNode step : trajectory) {
                    long s = step.get("step").asLong();
                    double golden = step.get("lr").asDouble();
                    assertEquals(golden, schedule.currentLr(), 1e-9 * golden, model + "/" + head + " step " + s);
                    assertEquals(golden, schedule.lr(s)); // in fact exactly: same double arithmetic
                    assertEquals(s, schedule.stepCount());
                    schedule.advance();
                }
            }
        }
    }

    @Test
    void linearWithWarmup() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.LINEAR, 2e-5, 4, 20);
        assertEquals(0.0, s.lr(0));
        assertEquals(2e-5 * (1.0 / 4), s.lr(1));
        assertEquals(2e-5 * (3.0 / 4), s.lr(3));
        assertEquals(2e-5, s.lr(4));
        assertEquals(2e-5 * (10.0 / 16), s.lr(10));
        assertEquals(2e-5 * (1.0 / 16), s.lr(19));
        assertEquals(0.0, s.lr(20));
        assertEquals(0.0, s.lr(25)); // clamped at 0 past the end
        // no warm-up: starts at the peak
        assertEquals(1e-3, new LrSchedule(LrSchedule.Kind.LINEAR, 1e-3, 0, 10).lr(0));
    }

    @Test
    void cosineWithWarmup() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 2, 12);
        assertEquals(0.0, s.lr(0));
        assertEquals(1e-3 * 0.5, s.lr(1));
        assertEquals(1e-3, s.lr(2));
        for (int step = 2; step <= 14; step++) {
            double progress = (step - 2) / 10.0;
            double expected = 1e-3 * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            assertEquals(expected, s.lr(step), 1e-18);
        }
        assertEquals(1e-3 * 0.5, s.lr(7), 1e-18); // half way
        assertEquals(0.0, s.lr(12), 1e-18);
    }

    @Test
    void constantSchedules() {
        LrSchedule warm = new LrSchedule(LrSchedule.Kind.CONSTANT_WITH_WARMUP, 3e-4, 3, 10);
        assertEquals(0.0, warm.lr(0));
        assertEquals(3e-4 * (2.0 / 3), warm.lr(2));
        assertEquals(3e-4, warm.lr(3));
        assertEquals(3e-4, warm.lr(100));
        LrSchedule flat = new LrSchedule(LrSchedule.Kind.CONSTANT, 3e-4, 3, 10);
        assertEquals(3e-4, flat.lr(0)); // HF's "constant" has no warm-up
        assertEquals(3e-4, flat.lr(9));
    }

    @Test
    void warmupRatioIsCeilOfRatioTimesTotal() {
        assertEquals(3, LrSchedule.warmupStepsFromRatio(0.1, 25)); // ceil(2.5)
        assertEquals(3, LrSchedule.warmupStepsFromRatio(0.25, 10)); // ceil(2.5)
        assertEquals(2, LrSchedule.warmupStepsFromRatio(0.2, 10)); // exactly 2
        assertEquals(0, LrSchedule.warmupStepsFromRatio(0.0, 10));
        assertEquals(1, LrSchedule.warmupStepsFromRatio(0.001, 10)); // any positive ratio warms at least 1 step
        LrSchedule s = LrSchedule.withWarmupRatio(LrSchedule.Kind.LINEAR, 1e-4, 0.1, 25);
        assertEquals(3, s.warmupSteps());
        assertEquals(1e-4 * (1.0 / 3), s.lr(1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupStepsFromRatio(1.5, 10));
    }

    @Test
    void stateIsTheStepCounter() {
        LrSchedule a = new LrSchedule(LrSchedule.Kind.LINEAR, 5e-4, 3, 10);
        for (int i = 0; i < 6; i++) {
            a.advance();
        }
        LrSchedule b = new LrSchedule(LrSchedule.Kind.LINEAR, 5e-4, 3, 10);
        b.setStepCount(a.stepCount());
        assertEquals(a.currentLr(), b.currentLr());
        assertEquals(5e-4 * (4.0 / 7), b.currentLr());
        assertThrows(IllegalArgumentException.class, () -> b.setStepCount(-1));
    }

    @Test
    void hfNames() {
        assertEquals(LrSchedule.Kind.LINEAR, LrSchedule.Kind.fromHf("linear"));
        assertEquals(LrSchedule.Kind.COSINE, LrSchedule.Kind.fromHf("cosine"));
        assertEquals(LrSchedule.Kind.CONSTANT, LrSchedule.Kind.fromHf("constant"));
        assertEquals(LrSchedule.Kind.CONSTANT_WITH_WARMUP, LrSchedule.Kind.fromHf("constant_with_warmup"));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.Kind.fromHf("polynomial"));
    }
}
