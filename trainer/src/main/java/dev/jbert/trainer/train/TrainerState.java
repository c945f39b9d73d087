package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.engine.io.HfJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code TrainerState}: where training stands and what it has logged, saved as
 * {@code trainer_state.json} in every checkpoint and in the output folder (HF's layout: sorted keys,
 * indent 2), with HF's fields only, so that HF's {@code TrainerState.load_from_json} reads it. The
 * early-stopping counter is kept under {@code stateful_callbacks} as HF keeps it. Two counters that
 * HF keeps in memory only, the sum of all step losses (for {@code train_loss}) and the rows seen,
 * travel in a checkpoint's {@code data_state.json} ({@link TrainingCheckpoint}).
 */
public final class TrainerState {
    public static final String FILE_NAME = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Optimizer steps done. */
    public int globalStep;
    /** Epochs done, with the fraction of the current one. */
    public double epoch;
    public int maxSteps;
    public int numTrainEpochs;
    public int loggingSteps;
    public int evalSteps;
    public int saveSteps;
    public int trainBatchSize;
    /** Every log entry: training steps, evaluations, and the final summary. */
    public final List<ObjectNode> logHistory = new ArrayList<>();
    /** The best value of the tracked metric so far, or null. */
    public Double bestMetric;
    /** The step of the best evaluation, or 0. */
    public int bestGlobalStep;
    /** {@code OUTPUT/checkpoint-STEP} of the best evaluation once saved, or null. */
    public String bestModelCheckpoint;
    /** Evaluations in a row without improvement (HF's {@code early_stopping_patience_counter}). */
    public int earlyStoppingPatienceCounter;
    public int earlyStoppingPatience;
    public double earlyStoppingThreshold;
    /** Sum of the loss of every optimizer step (each the mean over its micro-batches). */
    public double totalLoss;
    /** Training rows seen. */
    public long samplesSeen;

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        if (bestGlobalStep > 0) {
            o.put("best_global_step", bestGlobalStep);
        } else {
            o.putNull("best_global_step");
        }
        if (bestMetric != null) {
            o.put("best_metric", bestMetric);
        } else {
            o.putNull("best_metric");
        }
        if (bestModelCheckpoint != null) {
            o.put("best_model_checkpoint", bestModelCheckpoint);
        } else {
            o.putNull("best_model_checkpoint");
        }
        o.put("epoch", epoch);
        o.put("eval_steps", evalSteps);
        o.put("global_step", globalStep);
        o.put("is_hyper_param_search", false);
        o.put("is_local_process_zero", true);
        o.put("is_world_process_zero", true);
        ArrayNode history = o.putArray("log_history");
        logHistory.forEach(history::add);
        o.put("logging_steps", loggingSteps);
        o.put("max_steps", maxSteps);
        o.put("num_input_tokens_seen", 0);
        o.put("num_train_epochs", numTrainEpochs);
        o.put("save_steps", saveSteps);
        ObjectNode callbacks = o.putObject("stateful_callbacks");
        if (earlyStoppingPatience > 0) {
            ObjectNode es = callbacks.putObject("EarlyStoppingCallback");
            ObjectNode args = es.putObject("args");
            args.put("early_stopping_patience", earlyStoppingPatience);
            args.put("early_stopping_threshold", earlyStoppingThreshold);
            es.putObject("attributes").put("early_stopping_patience_counter", earlyStoppingPatienceCounter);
        }
        o.put("total_flos", 0);
        o.put("train_batch_size", trainBatchSize);
        o.putNull("trial_name");
        o.putNull("trial_params");
        return o;
    }

    /** Writes {@code dir/trainer_state.json} atomically. */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE_NAME), HfJson.write(toJson()) + "\n");
    }

    /** Reads a {@code trainer_state.json} written by {@link #save}. */
    public static TrainerState load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException(file + ": cannot read the trainer state: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("global_step").canConvertToInt()) {
            throw new UserException(file + ": not a trainer state (expected an object with global_step)");
        }
        TrainerState s = new TrainerState();
        s.globalStep = root.path("global_step").asInt();
        s.epoch = root.path("epoch").asDouble();
        s.maxSteps = root.path("max_steps").asInt();
        s.numTrainEpochs = root.path("num_train_epochs").asInt();
        s.loggingSteps = root.path("logging_steps").asInt();
        s.evalSteps = root.path("eval_steps").asInt();
        s.saveSteps = root.path("save_steps").asInt();
        s.trainBatchSize = root.path("train_batch_size").asInt();
        for (JsonNode e : root.path("log_history")) {
            if (e.isObject()) {
                s.logHistory.add((ObjectNode) e);
            }
        }
        JsonNode best = root.path("best_metric");
        s.bestMetric = best.isNumber() ? best.asDouble() : null;
        s.bestGlobalStep = root.path("best_global_step").asInt(0);
        JsonNode bestDir = root.path("best_model_checkpoint");
        s.bestModelCheckpoint = bestDir.isTextual() ? bestDir.asText() : null;
        JsonNode es = root.path("stateful_callbacks").path("EarlyStoppingCallback");
        s.earlyStoppingPatience = es.path("args").path("early_stopping_patience").asInt(0);
        s.earlyStoppingThreshold = es.path("args").path("early_stopping_threshold").asDouble(0);
        s.earlyStoppingPatienceCounter = es.path("attributes").path("early_stopping_patience_counter").asInt(0);
        return s;
    }
}
