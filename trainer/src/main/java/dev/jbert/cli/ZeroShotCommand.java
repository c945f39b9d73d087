package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.cpu.Parallel;
import dev.jbert.trainer.data.DataFormat;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSets;
import dev.jbert.trainer.data.DataSpec;
import dev.jbert.trainer.data.OnBadRow;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.train.UserErrors;
import dev.jbert.trainer.zeroshot.CandidateLabels;
import dev.jbert.trainer.zeroshot.HypothesisTemplate;
import dev.jbert.trainer.zeroshot.ZeroShotClassifier;
import dev.jbert.trainer.zeroshot.ZeroShotResult;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jbert zero-shot}: Hugging Face's zero-shot-classification pipeline from the command line,
 * on an NLI model (one whose labels name entailment and contradiction). One JSON line per input, in
 * input order: {@code {"sequence": ..., "labels": [...], "scores": [...]}}, labels sorted by score.
 * See {@link ZeroShotClassifier} and docs/zero-shot.md.
 */
@Command(name = "zero-shot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify texts into labels the model was never trained on, through an NLI model,"
            + " as Hugging Face's zero-shot-classification pipeline does.",
            "One JSON line per input, in input order: {\"sequence\": ..., \"labels\": [...], \"scores\": [...]}."})
public final class ZeroShotCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "An NLI model folder (labels entailment, neutral, contradiction), e.g. from jbert train on SNLI.")
    Path model;

    @Option(names = "--labels", paramLabel = "A,B,C", required = true,
            description = "The candidate labels, separated by commas.")
    String labels;

    @Option(names = "--template", paramLabel = "TEXT", defaultValue = HypothesisTemplate.DEFAULT,
            description = "The hypothesis, with {} where the label goes (default: '${DEFAULT-VALUE}').")
    String template;

    @Option(names = "--multi-label",
            description = "Score each label on its own (entailment against contradiction) instead of one softmax across labels.")
    boolean multiLabel;

    static final class Inputs {
        @Option(names = "--text", paramLabel = "TEXT", description = "A text to classify (repeatable).")
        List<String> texts;

        @Option(names = "--input", paramLabel = "FILE",
                description = "CSV/TSV with a text column (--text-column) or JSON lines {\"text\": ...}.")
        Path input;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    @Option(names = "--text-column", paramLabel = "NAME",
            description = "Column (JSON field) with the text (default: found by name: text, sentence, ...).")
    String textColumn;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, tsv or jsonl (default: from the file name).")
    String format;

    @Option(names = "--on-bad-row", paramLabel = "fail|skip", defaultValue = "fail",
            description = "A bad row stops with its file and line (fail, the default) or is skipped and counted.")
    String onBadRow;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest (text, hypothesis) pair in tokens; longer texts are cut (default: the model's maximum).")
    Integer maxLength;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Pairs per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DeviceOptions device;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        return UserErrors.call(this::run);
    }

    private int run() {
        CandidateLabels candidates = CandidateLabels.parse(labels);
        HypothesisTemplate hypothesis = new HypothesisTemplate(template);
        if (batchSize < 1) {
            throw new UserException("--batch-size: expected a positive number, found " + batchSize);
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads: expected a positive number, found " + threads);
            }
            Parallel.setThreads(threads);
        }
        List<String> texts = texts();
        ModelFolder folder = ModelFolder.open(model);
        Backend backend = device.backend();
        ZeroShotClassifier zs = ZeroShotClassifier.load(folder, backend, System.err);
        ModelConfig config = folder.config();
        int max = zs.maxLength();
        if (maxLength != null) {
            if (maxLength < 2 || maxLength > config.maxPositionEmbeddings()) {
                throw new UserException("--max-length: expected 2.." + config.maxPositionEmbeddings()
                        + " (the model's positions), found " + maxLength);
            }
            max = maxLength;
        }
        zs = zs.with(max, batchSize, backend);
        List<ZeroShotResult> results = zs.classify(texts, candidates, hypothesis, multiLabel);
        ObjectMapper json = new ObjectMapper();
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        for (ZeroShotResult r : results) {
            out.println(r.toJson(json));
        }
        out.flush();
        return 0;
    }

    private List<String> texts() {
        if (inputs.texts != null) {
            if (textColumn != null || format != null) {
                throw new UserException("--text-column and --format go with --input FILE");
            }
            for (String t : inputs.texts) {
                if (t.isBlank()) {
                    throw new UserException("--text: empty text");
                }
            }
            return inputs.texts;
        }
        DataSpec spec = DataSpec.defaults().withReadLabels(false);
        try {
            spec = spec.withOnBadRow(OnBadRow.parse(onBadRow));
            if (format != null) {
                spec = spec.withFormat(DataFormat.parse(format));
            }
            if (textColumn != null) {
                spec = spec.withTextColumn(textColumn);
            }
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
        DataSet set = DataSets.readUnlabelled(inputs.input, spec);
        if (!set.hasText()) {
            throw new UserException(inputs.input + ": zero-shot classification needs a text column (or \"text\" field),"
                    + " not pre-tokenized input_ids");
        }
        if (set.hasPairs()) {
            throw new UserException(inputs.input + ": the rows are text pairs; zero-shot classification reads one text"
                    + " per row: name it with --text-column");
        }
        if (set.badRows().skipped() > 0) {
            System.err.println(set.badRows().summary());
        }
        List<String> out = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            out.add(set.text(i));
        }
        if (out.isEmpty()) {
            throw new UserException(inputs.input + ": no rows to classify");
        }
        return out;
    }
}
