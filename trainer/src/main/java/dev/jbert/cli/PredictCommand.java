package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSetEncoder;
import dev.jbert.trainer.data.DataSets;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.predict.LabelScore;
import dev.jbert.trainer.predict.Predictor;
import dev.jbert.trainer.predict.ScoreFunction;
import dev.jbert.trainer.train.ClassifierSteps;
import dev.jbert.trainer.train.DataOptions;
import dev.jbert.trainer.train.UserErrors;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jbert predict}: Hugging Face's text-classification pipeline from the command line. One JSON
 * line per input, in input order: {@code [{"label": ..., "score": ...}, ...]} sorted by score.
 *
 * <p>As the pipeline: scores are the softmax of the logits, or the sigmoid for a multi-label model
 * or a single output ({@code --function-to-apply default}); without {@code --top-k} each line holds
 * the top label only (what {@code pipeline(text)} returns, {@code [{"label", "score"}]}); {@code --top-k K}
 * gives the K best, {@code --top-k all} every label (the pipeline's {@code top_k=None}).
 * {@code --threshold T} then keeps the labels scoring at least T (e.g. a multi-label model's
 * predicted labels). Texts longer than {@code --max-length} are truncated (the pipeline raises).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify texts as Hugging Face's text-classification pipeline does.",
            "One JSON line per input, in input order: [{\"label\": ..., \"score\": ...}, ...]."})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Hugging Face model folder.")
    Path model;

    static final class Inputs {
        @Option(names = "--text", paramLabel = "TEXT", description = "A text to classify (repeatable).")
        List<String> texts;

        @Option(names = "--input", paramLabel = "FILE",
                description = "CSV/TSV (--text-column, --text-pair-column) or JSON lines {\"text\": ..., \"text_pair\": ...}.")
        Path input;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    @Option(names = "--text-pair", paramLabel = "TEXT",
            description = "The second text of a pair, one per --text (repeatable).")
    List<String> textPairs;

    @Option(names = "--top-k", paramLabel = "K|all", description = "Labels per input: K best, or all (default: the top one).")
    String topK;

    @Option(names = "--function-to-apply", paramLabel = "FN", defaultValue = "default",
            description = "default, softmax, sigmoid or none (default: sigmoid for multi-label or one output, else softmax).")
    String functionToApply;

    @Option(names = "--threshold", paramLabel = "T", description = "Keep only labels scoring at least T.")
    Double threshold;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

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

    private int run() {
        int k = topK();
        ScoreFunction fn = ScoreFunction.parse(functionToApply);
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new UserException("--threshold: expected a number, found " + threshold);
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
        Backend backend = device.backend();
        ModelFolder folder = ModelFolder.open(model);
        ModelConfig config = folder.config();
        if (!folder.hasClassifierHead()) {
            throw new UserException(model + ": the model has no classification head (classifier.weight):"
                    + " fine-tune it first with jbert train");
        }
        BertTokenizer tokenizer = folder.tokenizer();
        int maxLength = dataOptions.maxLength(config.maxPositionEmbeddings(), tokenizer.modelMaxLength());
        SequenceClassifier classifier = folder.loadClassifier(config, 42, System.err);
        float[][] logits;
        if (inputs.texts != null) {
            if (textPairs != null && textPairs.size() != inputs.texts.size()) {
                throw new UserException("--text-pair: give one per --text (" + inputs.texts.size() + " texts, "
                        + textPairs.size() + " pairs)");
            }
            for (String t : inputs.texts) {
                if (t.isBlank()) {
                    throw new UserException("--text: empty text");
                }
            }
            int longest = BatchJson.fromTexts(tokenizer, inputs.texts, textPairs, maxLength).seqLen();
            try (ClassifierSteps steps = open(classifier, backend, longest)) {
                logits = new Predictor(steps, tokenizer, maxLength, batchSize, backend).logits(inputs.texts, textPairs);
            }
        } else {
            if (textPairs != null) {
                throw new UserException("--text-pair goes with --text; for a file use --text-pair-column");
            }
            DataSet set = DataSets.readUnlabelled(inputs.input, dataOptions.spec(false));
            DataSet encoded = DataSetEncoder.encode(set, tokenizer, maxLength);
            try (ClassifierSteps steps = open(classifier, backend, ClassifierSteps.longestRow(encoded))) {
                logits = new Predictor(steps, tokenizer, maxLength, batchSize, backend).logits(encoded);
            }
            if (set.badRows().skipped() > 0) {
                System.err.println(set.badRows().summary());
            }
        }
        ScoreFunction resolved = fn.resolve(config.problemType(), config.numLabels());
        ObjectMapper json = new ObjectMapper();
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        for (float[] row : logits) {
            ArrayNode line = json.createArrayNode();
            for (LabelScore ls : LabelScore.ranked(resolved.apply(row), config.labels(), k,
                    threshold == null ? Double.NaN : threshold)) {
                ObjectNode o = line.addObject();
                o.put("label", ls.label());
                o.put("score", ls.score());
            }
            out.println(line);
        }
        out.flush();
        return 0;
    }

    /** Where the classifier runs: a device copy sized for --batch-size rows of the longest input, or the host. */
    private ClassifierSteps open(SequenceClassifier classifier, Backend backend, int longest) {
        ClassifierSteps steps = ClassifierSteps.open(classifier, backend, batchSize, longest);
        if (steps.description() != null) {
            System.err.println("device: " + steps.description());
        }
        return steps;
    }

    /** 1 by default, 0 for all. */
    private int topK() {
        if (topK == null) {
            return 1;
        }
        String v = topK.strip().toLowerCase(Locale.ROOT);
        if (v.equals("all") || v.equals("none")) {
            return 0;
        }
        try {
            int k = Integer.parseInt(v);
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserException("--top-k: expected a positive number or all, found '" + topK + "'");
    }
}
