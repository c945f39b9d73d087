package dev.jbert.trainer.model;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face model folder: {@code config.json}, {@code model.safetensors} (or shards) and
 * the tokenizer files. Loads the model as a sequence classifier or as a bare encoder,
 * reporting newly initialised and unused weights as Hugging Face does.
 */
public final class ModelFolder {
    private final Path dir;
    private final ModelConfig config;

    private ModelFolder(Path dir, ModelConfig config) {
        this.dir = dir;
        this.config = config;
    }

    public static ModelFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + ": not a model folder (expected a folder with config.json and model.safetensors)");
        }
        Path cfg = dir.resolve(ModelConfig.FILE_NAME);
        if (!Files.exists(cfg)) {
            throw new UserException(dir + ": no config.json in this folder");
        }
        return new ModelFolder(dir, ModelConfig.load(cfg));
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    /** The folder's tokenizer (vocab.txt + tokenizer_config.json, or tokenizer.json). */
    public BertTokenizer tokenizer() {
        return BertTokenizer.fromPath(dir);
    }

    /** True when the checkpoint holds a sequence-classification head. */
    public boolean hasClassifierHead() {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            return ckpt.contains("classifier.weight");
        }
    }

    /** The model with its classification head; a missing head is newly initialised (seeded). */
    public SequenceClassifier loadClassifier(ModelConfig cfg, long seed, PrintStream log) {
        SequenceClassifier model = new SequenceClassifier(cfg);
        Set<String> optional = new HashSet<>();
        for (Parameter p : model.headParameters()) {
            optional.add(p.name());
        }
        if (model.encoder().pooler() != null) {
            for (Parameter p : model.encoder().pooler().parameters()) {
                optional.add(p.name());
            }
        }
        load(model.parameters(), model.encoder().prefix(), optional, seed, log,
                cfg.modelType().name().equals("BERT") ? "BertForSequenceClassification"
                        : "DistilBertForSequenceClassification");
        return model;
    }

    public SequenceClassifier loadClassifier(PrintStream log) {
        return loadClassifier(config, 42, log);
    }

    /** The bare encoder (BERT with its pooler), ignoring any head in the checkpoint. */
    public EncoderModel loadEncoder(PrintStream log) {
        EncoderModel model = new EncoderModel(config);
        Set<String> optional = new HashSet<>();
        if (model.pooler() != null) {
            for (Parameter p : model.pooler().parameters()) {
                optional.add(p.name());
            }
        }
        load(model.parameters(), model.prefix(), optional, 42, log,
                model.prefix().equals("bert") ? "BertModel" : "DistilBertModel");
        return model;
    }

    private void load(List<Parameter> params, String prefix, Set<String> optional, long seed, PrintStream log,
                      String architecture) {
        Initializer.initialize(params, 0.02, config.padTokenId(), seed);
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            CheckpointMapper.LoadReport r = CheckpointMapper.load(ckpt, params, prefix, optional);
            String fresh = r.newlyInitializedMessage(architecture);
            if (fresh != null && log != null) {
                log.println(fresh);
            }
            List<String> unused = r.unused().stream().filter(n -> !n.endsWith("position_ids")).toList();
            if (!unused.isEmpty() && log != null) {
                log.println("Some weights of the model checkpoint at " + dir + " were not used when initializing "
                        + architecture + ": " + unused);
            }
        }
    }
}
