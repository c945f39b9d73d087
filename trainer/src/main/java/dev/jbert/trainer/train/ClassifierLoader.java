package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.TensorInfo;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.trainer.model.ModelFolder;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Loads the model to fine-tune: the folder's weights into a sequence classifier with the run's
 * labels. A missing head is newly initialised (seeded), as Hugging Face does. A head trained for a
 * different number of labels is an error, as in HF, unless {@code ignoreMismatchedSizes} (HF's
 * {@code ignore_mismatched_sizes=True}): then that head is left out and newly initialised.
 */
public final class ClassifierLoader {
    private static final List<String> HEAD_PREFIXES = List.of("classifier.", "pre_classifier.");

    private ClassifierLoader() {
    }

    public static SequenceClassifier load(ModelFolder folder, ModelConfig config, long seed,
                                          boolean ignoreMismatchedSizes, PrintStream log) {
        String mismatch = headMismatch(folder, config);
        if (mismatch == null) {
            return folder.loadClassifier(config, seed, log);
        }
        if (!ignoreMismatchedSizes) {
            throw new UserException(folder.dir() + ": " + mismatch + "; start from the base model, or pass"
                    + " --ignore-mismatched-sizes to train a new head");
        }
        if (log != null) {
            log.println(folder.dir() + ": " + mismatch + ": the head is newly initialized (--ignore-mismatched-sizes)");
        }
        SequenceClassifier model = new SequenceClassifier(config);
        List<Parameter> params = model.parameters();
        Initializer.initialize(params, 0.02, config.padTokenId(), seed);
        Set<String> optional = new HashSet<>();
        model.headParameters().forEach(p -> optional.add(p.name()));
        if (model.encoder().pooler() != null) {
            model.encoder().pooler().parameters().forEach(p -> optional.add(p.name()));
        }
        try (Checkpoint ckpt = new WithoutHead(Checkpoint.open(folder.dir()))) {
            CheckpointMapper.load(ckpt, params, model.encoder().prefix(), optional);
        }
        return model;
    }

    /** Why the folder's head does not fit the config's labels, or null when it fits or is absent. */
    static String headMismatch(ModelFolder folder, ModelConfig config) {
        try (Checkpoint ckpt = Checkpoint.open(folder.dir())) {
            if (!ckpt.contains("classifier.weight")) {
                return null;
            }
            TensorInfo info = ckpt.info("classifier.weight");
            int stored = info.shape().length == 2 ? info.shape()[0] : -1;
            if (stored == config.numLabels()) {
                return null;
            }
            return "its classification head has " + stored + " outputs (classifier.weight " + info.shapeString()
                    + "), the data needs " + config.numLabels() + " " + config.labels();
        }
    }

    /** A checkpoint without the classification head's tensors. */
    private static final class WithoutHead implements Checkpoint {
        private final Checkpoint inner;
        private final SortedSet<String> names = new TreeSet<>();

        WithoutHead(Checkpoint inner) {
            this.inner = inner;
            for (String n : inner.names()) {
                if (HEAD_PREFIXES.stream().noneMatch(n::startsWith)) {
                    names.add(n);
                }
            }
        }

        @Override
        public SortedSet<String> names() {
            return names;
        }

        @Override
        public boolean contains(String name) {
            return names.contains(name);
        }

        @Override
        public TensorInfo info(String name) {
            return inner.info(name);
        }

        @Override
        public Map<String, String> metadata() {
            return inner.metadata();
        }

        @Override
        public Tensor readFloat(String name) {
            return inner.readFloat(name);
        }

        @Override
        public void readFloatInto(String name, float[] dst) {
            inner.readFloatInto(name, dst);
        }

        @Override
        public long[] readLong(String name) {
            return inner.readLong(name);
        }

        @Override
        public String source(String name) {
            return inner.source(name);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
