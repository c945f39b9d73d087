package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.Loss;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.BatchOptions;
import dev.jbert.trainer.data.Batcher;
import dev.jbert.trainer.data.KnownLabels;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.train.CheckpointStore;
import dev.jbert.trainer.train.ClassifierLoader;
import dev.jbert.trainer.train.ConfigFileDefaults;
import dev.jbert.trainer.train.DataOptions;
import dev.jbert.trainer.train.EvalMetrics;
import dev.jbert.trainer.train.Evaluator;
import dev.jbert.trainer.train.IntervalStrategy;
import dev.jbert.trainer.train.ModelWriter;
import dev.jbert.trainer.train.Progress;
import dev.jbert.trainer.train.Trainer;
import dev.jbert.trainer.train.TrainingArguments;
import dev.jbert.trainer.train.TrainingCheckpoint;
import dev.jbert.trainer.train.TrainingData;
import dev.jbert.trainer.train.TrainingOutput;
import dev.jbert.trainer.train.TrainingPlan;
import dev.jbert.trainer.train.UserErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbert train}: fine-tunes a BERT or DistilBERT model folder as a text classifier, the way
 * Hugging Face's {@code Trainer} does (same options, defaults, step order and output folder).
 * Human progress goes to stderr, the final summary as JSON to stdout.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a text classifier with Hugging Face Trainer semantics.",
            "The output is a Hugging Face model folder, with training_log.jsonl,",
            "trainer_state.json, eval_results.json, training_curves.png and",
            "checkpoint-STEP folders. Progress on stderr, a JSON summary on stdout."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model folder to start from.")
    Path model;

    @Option(names = "--train", paramLabel = "FILE", description = "Training data: CSV, TSV or JSON lines.")
    Path train;

    @Option(names = "--output", paramLabel = "DIR", description = "Output folder (the trained model and checkpoints).")
    Path output;

    @Option(names = "--validation", paramLabel = "FILE", description = "Validation data, read like --train.")
    Path validation;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Hold out this fraction of the training rows for validation (stratified for single-label).")
    Double validationSplit;

    @Option(names = "--rebalance", description = "Undersample the larger classes of the training rows.")
    boolean rebalance;

    @Option(names = "--class-weights", paramLabel = "none|balanced", defaultValue = "none",
            description = "Loss weights: balanced gives rare classes (labels) more weight (default: ${DEFAULT-VALUE}).")
    String classWeights;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", arity = "0..1", fallbackValue = "latest",
            description = "Continue from a checkpoint folder (without a value, or true: the latest in --output).")
    String resume;

    @Option(names = "--overwrite-output-dir", description = "Train into a non-empty --output, deleting its checkpoints.")
    boolean overwriteOutputDir;

    @Option(names = "--ignore-mismatched-sizes",
            description = "Start a new head when the model's head has a different number of labels.")
    boolean ignoreMismatchedSizes;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    Integer threads;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between progress lines when stderr is not a terminal (default: ${DEFAULT-VALUE}).")
    double progressInterval;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Options from a JSON or YAML file (keys: option names or HF names); flags win.")
    Path config;

    @Option(names = "--debug-interrupt-after-step", hidden = true, defaultValue = "-1",
            description = "Test hook: stop as if killed once this many optimizer steps are done.")
    int interruptAfterStep;

    @Mixin
    DeviceOptions device;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingOptions training;

    private final boolean configApplied;

    public TrainCommand() {
        this(false);
    }

    private TrainCommand(boolean configApplied) {
        this.configApplied = configApplied;
    }

    @Override
    public Integer call() throws Exception {
        if (config != null && !configApplied) {
            return rerunWithConfig();
        }
        return UserErrors.call(this::run);
    }

    /** Parses the same arguments again with the config file's values as defaults, so that flags win. */
    private int rerunWithConfig() {
        ConfigFileDefaults defaults = ConfigFileDefaults.read(config, spec);
        CommandLine cl = Cli.commandLine(new TrainCommand(true));
        cl.setDefaultValueProvider(defaults);
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        List<String> mine = at >= 0 ? all.subList(at + 1, all.size()) : all;
        return cl.execute(mine.toArray(new String[0]));
    }

    private int run() throws IOException {
        PrintStream err = System.err;
        if (train == null) {
            throw new UserException("missing --train FILE (the training data)");
        }
        if (output == null) {
            throw new UserException("missing --output DIR (where the trained model goes)");
        }
        if (resume != null && resume.equalsIgnoreCase("false")) {
            resume = null; // resume_from_checkpoint: false in a config file
        }
        if (model == null && resume == null) {
            throw new UserException("missing --model DIR (the model folder to start from)");
        }
        TrainingArguments args = training.toArguments();
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads: expected a positive number, found " + threads);
            }
            Parallel.setThreads(threads);
        }
        if (!(progressInterval >= 0)) {
            throw new UserException("--progress-interval: expected seconds, 0 or more, found " + progressInterval);
        }
        Backend backend = device.backend();
        CheckpointStore store = new CheckpointStore(output);
        TrainingCheckpoint.Loaded resumed = prepareOutput(store, err);

        ModelFolder source = ModelFolder.open(resumed != null ? resumed.folder() : model);
        ModelConfig base = source.config();
        BertTokenizer tokenizer = source.tokenizer();
        int maxLength = data.maxLength(base.maxPositionEmbeddings(), tokenizer.modelMaxLength());
        TrainingData td = TrainingData.load(new TrainingData.Request(train, validation, validationSplit,
                data.spec(true), KnownLabels.of(base), args.dataSeed(), rebalance, classWeights, tokenizer, maxLength));

        ModelConfig labelled = base.withLabels(td.labels().names()).withProblemType(td.labels().problemType())
                .withArchitectures(ModelWriter.architecture(base));
        ModelConfig trainConfig = args.dropout() != null ? labelled.withDropout(args.dropout()) : labelled;
        Loss loss = Loss.forProblem(td.labels().problemType(), td.classWeights(), td.posWeight());
        Batcher trainBatches = new Batcher(td.train(), new BatchOptions(args.batchSize(), args.dataSeed(),
                args.shuffle(), args.groupByLength(), false));
        Evaluator evaluator = null;
        if (td.validation() != null) {
            evaluator = new Evaluator(new Batcher(td.validation(), BatchOptions.evaluation(args.evalBatchSize())), loss,
                    td.labels(), args.threshold(), backend);
        }
        checkEvaluation(args, evaluator, td);
        TrainingPlan plan = TrainingPlan.of(args, trainBatches.batchesPerEpoch());

        td.description().forEach(err::println);
        SequenceClassifier classifier = ClassifierLoader.load(source, trainConfig, args.seed(), ignoreMismatchedSizes, err);
        err.println("model: " + source.dir() + " (" + labelled.modelType().hfName() + ", " + classifier.parameters().stream()
                .mapToLong(p -> p.value().size()).sum() + " parameters), " + td.labels().problemType().hfName() + " "
                + td.labels().names());

        Files.createDirectories(output);
        Map<String, Object> summary;
        try (Progress progress = Progress.forConsole(err, progressInterval)) {
            Trainer.Setup setup = new Trainer.Setup(classifier, labelled, tokenizer, trainBatches, evaluator, loss,
                    backend, args, plan, store, progress, resumed, interruptAfterStep);
            try (Trainer trainer = new Trainer(setup)) {
                Trainer.Outcome outcome = trainer.train();
                if (outcome.interrupted()) {
                    progress.message("stopped after step " + outcome.state().globalStep
                            + " (--debug-interrupt-after-step)");
                    return 0;
                }
                summary = TrainingOutput.write(setup, trainer, outcome, td.skippedRows());
            }
        }
        System.out.println(new ObjectMapper().writeValueAsString(summary));
        return 0;
    }

    /** The checkpoint to resume from, or null; refuses to mix a new run with an old one's files. */
    private TrainingCheckpoint.Loaded prepareOutput(CheckpointStore store, PrintStream err) throws IOException {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UserException(output + ": exists and is not a folder");
        }
        for (Path p : store.removeLeftovers()) {
            err.println("removed " + p.getFileName() + " (left by an interrupted checkpoint write)");
        }
        if (resume != null) {
            Path dir;
            if (resume.equals("latest") || resume.equalsIgnoreCase("true")) {
                dir = store.latest();
                if (dir == null) {
                    throw new UserException("--resume: no checkpoint-STEP folder in " + output + " to resume from");
                }
            } else {
                dir = Path.of(resume);
                if (!Files.isDirectory(dir)) {
                    throw new UserException("--resume " + resume + ": no such checkpoint folder");
                }
            }
            err.println("resuming from " + dir);
            return TrainingCheckpoint.read(dir);
        }
        if (Files.isDirectory(output) && !isEmpty(output)) {
            if (!overwriteOutputDir) {
                throw new UserException(output + " is not empty: pass --resume to continue its latest checkpoint, or"
                        + " --overwrite-output-dir to train into it anyway");
            }
            for (Path p : store.checkpoints()) {
                CheckpointStore.deleteTree(p);
            }
        }
        return null;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private void checkEvaluation(TrainingArguments args, Evaluator evaluator, TrainingData td) {
        if (evaluator == null && args.evalStrategy() != IntervalStrategy.NO) {
            throw new UserException("--eval-strategy " + args.evalStrategy().hfName()
                    + " needs validation data: give --validation FILE or --validation-split FRACTION");
        }
        if (args.tracksBestMetric()) {
            Set<String> known = EvalMetrics.metricNames(td.labels().problemType(), td.labels().names());
            if (!known.contains(args.metricForBestModel())) {
                throw new UserException("--metric-for-best-model " + args.metricForBestModel() + ": not a metric of "
                        + td.labels().problemType().hfName() + " (expected one of " + known + ")");
            }
        }
    }
}
