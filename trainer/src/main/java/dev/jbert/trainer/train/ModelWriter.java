package dev.jbert.trainer.train;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a Hugging Face model folder that {@code AutoModelForSequenceClassification} and
 * {@code AutoTokenizer.from_pretrained} load unchanged: {@code config.json}, {@code model.safetensors}
 * (every parameter under its HF name, float32, metadata {@code format: pt}), {@code vocab.txt},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}. Each file is written atomically.
 */
public final class ModelWriter {
    public static final String WEIGHTS = Checkpoint.SINGLE_FILE;

    private ModelWriter() {
    }

    public static void write(Path dir, SequenceClassifier model, ModelConfig config, BertTokenizer tokenizer)
            throws IOException {
        config.save(dir);
        writeWeights(dir.resolve(WEIGHTS), model.parameters());
        tokenizer.saveVocabulary(dir);
    }

    public static void writeWeights(Path file, List<Parameter> parameters) throws IOException {
        SafeTensorsWriter.write(file, CheckpointMapper.stateDict(parameters));
    }

    /** Reads weights written by {@link #writeWeights} back into the parameters (same names and shapes). */
    public static void readWeights(Path file, List<Parameter> parameters) {
        try (Checkpoint ckpt = Checkpoint.open(file)) {
            for (Parameter p : parameters) {
                ckpt.readInto(p.name(), p.value());
            }
        }
    }

    /** The HF class name of a sequence classifier of this config's model type. */
    public static String architecture(ModelConfig config) {
        return switch (config.modelType()) {
            case BERT -> "BertForSequenceClassification";
            case DISTILBERT -> "DistilBertForSequenceClassification";
        };
    }
}
