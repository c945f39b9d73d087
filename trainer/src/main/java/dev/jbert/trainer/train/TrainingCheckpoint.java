package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.CheckpointException;
import dev.jbert.engine.io.HfJson;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.trainer.data.DataPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint holds besides the model folder ({@link ModelWriter}), so that a resumed run ends
 * with exactly the weights of an uninterrupted one:
 * <ul>
 *   <li>{@code optimizer.safetensors}: AdamW's {@code exp_avg.*} and {@code exp_avg_sq.*}, metadata
 *       {@code step_count};</li>
 *   <li>{@code scheduler.json}: the schedule and the steps it has taken;</li>
 *   <li>{@code rng_state.json}: the dropout seed and forward-pass counter (dropout masks are a pure
 *       function of them) and the data seed (shuffles are a pure function of it and the epoch);</li>
 *   <li>{@code data_state.json}: the next batch to read (epoch, batch index) and the shape of an
 *       epoch, checked on resume; the sum of the step losses and the rows seen so far;</li>
 *   <li>{@code training_args.json}: the run's arguments under HF's names;</li>
 *   <li>{@code trainer_state.json} ({@link TrainerState}), written last.</li>
 * </ul>
 */
public final class TrainingCheckpoint {
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String SCHEDULER = "scheduler.json";
    public static final String RNG = "rng_state.json";
    public static final String DATA = "data_state.json";
    public static final String ARGS = "training_args.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The counters of a run at a step boundary.
     *
     * @param optimizerSteps  AdamW's step count
     * @param schedulerSteps  the schedule's step count
     * @param dropoutSeed     the seed of the dropout masks
     * @param dropoutCounter  forward passes done (the mask counter of the next one)
     * @param dataSeed        the seed of the per-epoch shuffles
     * @param position        the next batch to read
     * @param batchesPerEpoch micro-batches in an epoch when saved
     * @param trainRows       training rows when saved
     */
    public record Counters(long optimizerSteps, long schedulerSteps, long dropoutSeed, long dropoutCounter,
                           long dataSeed, DataPosition position, int batchesPerEpoch, int trainRows) {
    }

    /** A checkpoint read back. */
    public record Loaded(Path folder, Counters counters, Map<String, Tensor> optimizerState, TrainerState state) {
    }

    private TrainingCheckpoint() {
    }

    /** Writes the training state into a checkpoint folder being built (the model folder is written separately). */
    public static void write(Path dir, Map<String, Tensor> optimizerState, Counters c, TrainingArguments args,
                             TrainerState state) throws IOException {
        SafeTensorsWriter.write(dir.resolve(OPTIMIZER), optimizerState,
                Map.of("step_count", Long.toString(c.optimizerSteps())));
        ObjectNode sched = JSON.createObjectNode();
        sched.put("lr_scheduler_type", args.lrScheduler().hfName());
        sched.put("base_lr", args.learningRate());
        sched.put("step", c.schedulerSteps());
        writeJson(dir.resolve(SCHEDULER), sched);
        ObjectNode rng = JSON.createObjectNode();
        rng.put("dropout_seed", c.dropoutSeed());
        rng.put("dropout_counter", c.dropoutCounter());
        rng.put("data_seed", c.dataSeed());
        writeJson(dir.resolve(RNG), rng);
        ObjectNode data = JSON.createObjectNode();
        data.put("epoch", c.position().epoch());
        data.put("batch", c.position().batch());
        data.put("batches_per_epoch", c.batchesPerEpoch());
        data.put("train_rows", c.trainRows());
        data.put("total_loss", state.totalLoss);
        data.put("samples_seen", state.samplesSeen);
        writeJson(dir.resolve(DATA), data);
        writeJson(dir.resolve(ARGS), args.toJson());
        state.save(dir);
    }

    /** Reads a checkpoint folder written by {@link #write}; a missing or broken file is a one-line error. */
    public static Loaded read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CheckpointStore.MARKER))) {
            throw new UserException(dir + ": not a complete checkpoint (no " + CheckpointStore.MARKER + ")");
        }
        TrainerState state = TrainerState.load(dir.resolve(TrainerState.FILE_NAME));
        JsonNode sched = readJson(dir.resolve(SCHEDULER));
        JsonNode rng = readJson(dir.resolve(RNG));
        JsonNode data = readJson(dir.resolve(DATA));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long optimizerSteps;
        try (Checkpoint opt = Checkpoint.open(dir.resolve(OPTIMIZER))) {
            for (String name : opt.names()) {
                tensors.put(name, opt.readFloat(name));
            }
            String steps = opt.metadata().get("step_count");
            if (steps == null) {
                throw new UserException(dir.resolve(OPTIMIZER) + ": no step_count in the metadata");
            }
            optimizerSteps = Long.parseLong(steps);
        } catch (CheckpointException | NumberFormatException e) {
            throw new UserException(dir.resolve(OPTIMIZER) + ": " + e.getMessage(), e);
        }
        Counters c = new Counters(optimizerSteps, longField(sched, "step", dir.resolve(SCHEDULER)),
                longField(rng, "dropout_seed", dir.resolve(RNG)), longField(rng, "dropout_counter", dir.resolve(RNG)),
                longField(rng, "data_seed", dir.resolve(RNG)),
                new DataPosition((int) longField(data, "epoch", dir.resolve(DATA)),
                        (int) longField(data, "batch", dir.resolve(DATA))),
                (int) longField(data, "batches_per_epoch", dir.resolve(DATA)),
                (int) longField(data, "train_rows", dir.resolve(DATA)));
        state.totalLoss = data.path("total_loss").asDouble(0);
        state.samplesSeen = data.path("samples_seen").asLong(0);
        return new Loaded(dir, c, tensors, state);
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        AtomicFiles.writeString(file, HfJson.write(node) + "\n");
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new UserException(file + ": expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static long longField(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new UserException(file + ": field '" + field + "' is " + v + ", expected an integer");
        }
        return v.asLong();
    }
}
