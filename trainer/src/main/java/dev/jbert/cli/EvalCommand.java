package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.train.Loss;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.BatchOptions;
import dev.jbert.trainer.data.Batcher;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSetEncoder;
import dev.jbert.trainer.data.DataSets;
import dev.jbert.trainer.data.DataSummary;
import dev.jbert.trainer.data.KnownLabels;
import dev.jbert.trainer.data.LabelSet;
import dev.jbert.trainer.metrics.ClassificationReport;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.predict.PredictionsFile;
import dev.jbert.trainer.predict.ScoreFunction;
import dev.jbert.trainer.train.ClassifierSteps;
import dev.jbert.trainer.train.DataOptions;
import dev.jbert.trainer.train.EvalMetrics;
import dev.jbert.trainer.train.EvalResult;
import dev.jbert.trainer.train.Evaluator;
import dev.jbert.trainer.train.UserErrors;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jbert eval}: the metrics of a classifier on labelled data ({@code --model DIR --data FILE}),
 * or of predictions made anywhere ({@code --predictions FILE --problem-type TYPE}, JSON lines
 * {@code {"label": ..., "scores": [...]}}). Metrics as JSON on stdout (scikit-learn's definitions),
 * the per-class report on stderr.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a classifier on labelled data, or score predictions made",
            "elsewhere. Metrics as JSON on stdout, a classification report on stderr."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model folder with a classification head.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Labelled data: CSV, TSV or JSON lines.")
    Path data;

    @Option(names = "--predictions", paramLabel = "FILE",
            description = "JSON lines {\"label\": ..., \"scores\": [...]} to score without a model (needs --problem-type).")
    Path predictions;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Multi-label decision threshold (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    Integer threads;

    @Mixin
    DeviceOptions device;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws Exception {
        return UserErrors.call(this::run);
    }

    private int run() throws Exception {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new UserException("--threshold: expected a number in [0, 1], found " + threshold);
        }
        if (batchSize < 1) {
            throw new UserException("--batch-size: expected a positive number, found " + batchSize);
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads: expected a positive number, found " + threads);
            }
            Parallel.setThreads(threads);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        PrintStream err = System.err;
        if (predictions != null) {
            if (model != null || data != null) {
                throw new UserException("--predictions scores a file of predictions: leave out --model and --data");
            }
            ProblemType type = dataOptions.problemType();
            if (type == null) {
                throw new UserException("--predictions needs --problem-type (single_label_classification,"
                        + " multi_label_classification or regression)");
            }
            PredictionsFile p = PredictionsFile.read(predictions, type);
            out.put("samples", p.scores().length);
            out.putAll(EvalMetrics.fromScores(type, p.labels(), p.scores(), threshold, null));
            report(err, EvalMetrics.report(type, p.labels(), p.scores(), threshold, null), out);
        } else {
            if (model == null || data == null) {
                throw new UserException("give --model DIR and --data FILE (or --predictions FILE --problem-type TYPE)");
            }
            evaluateModel(out, err);
        }
        System.out.println(new ObjectMapper().writeValueAsString(out));
        return 0;
    }

    private void evaluateModel(Map<String, Object> out, PrintStream err) {
        Backend backend = device.backend();
        ModelFolder folder = ModelFolder.open(model);
        ModelConfig config = folder.config();
        BertTokenizer tokenizer = folder.tokenizer();
        DataSet set = DataSets.read(data, dataOptions.spec(true), KnownLabels.of(config));
        if (!set.labelled()) {
            throw new UserException(data + ": the data has no labels to evaluate against");
        }
        LabelSet labels = set.labelSet();
        if (labels.numLabels() != config.numLabels()) {
            throw new UserException(data + ": the labels " + labels.names() + " are not the model's "
                    + config.numLabels() + " labels " + config.labels());
        }
        DataSummary.of(set).describe().forEach(err::println);
        int maxLength = dataOptions.maxLength(config.maxPositionEmbeddings(), tokenizer.modelMaxLength());
        DataSet encoded = DataSetEncoder.encode(set, tokenizer, maxLength);
        ModelConfig evalConfig = config.withProblemType(labels.problemType());
        SequenceClassifier classifier = folder.loadClassifier(evalConfig, 42, err);
        Loss loss = Loss.forProblem(labels.problemType());
        Evaluator evaluator = new Evaluator(new Batcher(encoded, BatchOptions.evaluation(batchSize)), loss, labels,
                threshold, backend);
        EvalResult r;
        try (ClassifierSteps steps = ClassifierSteps.open(classifier, backend, batchSize, evaluator.longestRow())) {
            if (steps.description() != null) {
                err.println("device: " + steps.description());
            }
            r = evaluator.evaluate(steps);
        }
        out.put("loss", r.loss());
        out.put("samples", r.samples());
        out.put("skipped_rows", encoded.badRows().skipped());
        out.putAll(r.metrics());
        float[][] scores = switch (labels.problemType()) {
            case SINGLE_LABEL_CLASSIFICATION -> ScoreFunction.SOFTMAX.apply(r.logits());
            case MULTI_LABEL_CLASSIFICATION -> ScoreFunction.SIGMOID.apply(r.logits());
            case REGRESSION -> r.logits();
        };
        report(err, EvalMetrics.report(labels.problemType(), r.labels(), scores, threshold, labels.names()), out);
    }

    private static void report(PrintStream err, ClassificationReport report, Map<String, Object> metrics) {
        if (report != null) {
            err.print(report.format(4));
            return;
        }
        for (String k : List.of("mse", "mae", "pearson", "spearman", "r2")) {
            if (metrics.containsKey(k)) {
                err.println(k + ": " + metrics.get(k));
            }
        }
    }
}
