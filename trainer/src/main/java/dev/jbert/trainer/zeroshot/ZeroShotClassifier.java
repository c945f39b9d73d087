package dev.jbert.trainer.zeroshot;

import dev.jbert.cli.UserException;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.EncodeOptions;
import dev.jbert.tokenizer.Encoding;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.ModelFolder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code zero-shot-classification} pipeline on an NLI model: each sequence is the
 * premise of one pair per candidate label, whose hypothesis is the template filled with the label;
 * the pairs' logits become scores by {@link ZeroShotScores} and the labels are ranked by
 * {@link ZeroShotResult#ranked}.
 *
 * <p>Pairs are tokenized as the pipeline does ({@code [CLS] premise [SEP] hypothesis [SEP]}, padding
 * to the longest, truncation {@code only_first}: a long premise is cut, never the hypothesis) and run
 * in batches of {@code batchSize} pairs. One instance runs one request at a time (the model keeps
 * its activations in its own buffers): {@link #classify} is synchronized.
 *
 * <pre>{@code
 * ZeroShotClassifier zs = ZeroShotClassifier.load(ModelFolder.open(dir), Backends.byName("cpu"), System.err);
 * ZeroShotResult r = zs.classify("The match went to extra time.", List.of("politics", "sports"));
 * }</pre>
 */
public final class ZeroShotClassifier {
    /** Pairs per forward pass unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final SequenceClassifier model;
    private final BertTokenizer tokenizer;
    private final NliLabels nli;
    private final int maxLength;
    private final int batchSize;
    private final RunContext ctx;

    /**
     * @param maxLength the longest pair in tokens (at most the model's positions)
     * @param batchSize pairs per forward pass
     */
    public ZeroShotClassifier(SequenceClassifier model, BertTokenizer tokenizer, int maxLength, int batchSize,
                              Backend backend) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        ModelConfig config = model.config();
        if (maxLength < 2 || maxLength > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("max length " + maxLength + " is outside 2.."
                    + config.maxPositionEmbeddings());
        }
        this.nli = NliLabels.of(config);
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.ctx = new RunContext(backend).training(false).keepForBackward(false);
    }

    /**
     * The model of a folder, with its tokenizer and its whole length (the smaller of its positions and
     * the tokenizer's {@code model_max_length}); a model without a classification head, or whose labels
     * name no entailment, is refused.
     */
    public static ZeroShotClassifier load(ModelFolder folder, Backend backend, PrintStream log) {
        ModelConfig config = folder.config();
        NliLabels.of(config);
        if (!folder.hasClassifierHead()) {
            throw new UserException(folder.dir() + ": the model has no classification head (classifier.weight);"
                    + " zero-shot classification needs a model fine-tuned on NLI pairs (jbert train)");
        }
        BertTokenizer tok = folder.tokenizer();
        int tokMax = tok.modelMaxLength();
        int max = Math.min(config.maxPositionEmbeddings(), tokMax > 0 ? tokMax : Integer.MAX_VALUE);
        return new ZeroShotClassifier(folder.loadClassifier(log), tok, max, DEFAULT_BATCH_SIZE, backend);
    }

    /** The same model with another length limit and batch size. */
    public ZeroShotClassifier with(int newMaxLength, int newBatchSize, Backend backend) {
        return new ZeroShotClassifier(model, tokenizer, newMaxLength, newBatchSize, backend);
    }

    public NliLabels nliLabels() {
        return nli;
    }

    public int maxLength() {
        return maxLength;
    }

    public ModelConfig config() {
        return model.config();
    }

    /** One sequence, single-label, with the default template. */
    public ZeroShotResult classify(String sequence, List<String> candidateLabels) {
        return classify(List.of(sequence), CandidateLabels.of(candidateLabels), HypothesisTemplate.defaults(), false)
                .getFirst();
    }

    /**
     * One result per sequence, in order.
     *
     * @param multiLabel score each label independently (entailment against contradiction); with a
     *                   single candidate label this is done whatever the flag says, as in the pipeline
     */
    public synchronized List<ZeroShotResult> classify(List<String> sequences, CandidateLabels labels,
                                                      HypothesisTemplate template, boolean multiLabel) {
        boolean independent = multiLabel || labels.size() == 1;
        int contradiction = independent ? nli.requireContradiction() : -1;
        for (int i = 0; i < sequences.size(); i++) {
            String s = sequences.get(i);
            if (s == null || s.isBlank()) {
                throw new UserException("text " + (i + 1) + " is empty");
            }
        }
        int k = labels.size();
        List<String> hypotheses = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            hypotheses.add(template.hypothesis(labels.get(j)));
        }
        float[][] logits = pairLogits(sequences, hypotheses);
        List<ZeroShotResult> out = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            float[][] rows = java.util.Arrays.copyOfRange(logits, i * k, (i + 1) * k);
            double[] scores = independent ? ZeroShotScores.multiLabel(rows, nli.entailment(), contradiction)
                    : ZeroShotScores.singleLabel(rows, nli.entailment());
            out.add(ZeroShotResult.ranked(sequences.get(i), labels, scores));
        }
        return out;
    }

    /** Logits [N·K, labels] of every (sequence i, hypothesis j) pair, at row i·K + j. */
    private float[][] pairLogits(List<String> sequences, List<String> hypotheses) {
        int k = hypotheses.size();
        int pairs = sequences.size() * k;
        float[][] out = new float[pairs][];
        EncodeOptions opts = EncodeOptions.defaults().withPadding(EncodeOptions.Padding.LONGEST)
                .withMaxLength(maxLength).withTruncation(EncodeOptions.Truncation.ONLY_FIRST);
        int l = model.numLabels();
        for (int from = 0; from < pairs; from += batchSize) {
            int to = Math.min(pairs, from + batchSize);
            List<String> premises = new ArrayList<>(to - from);
            List<String> hyps = new ArrayList<>(to - from);
            for (int p = from; p < to; p++) {
                premises.add(sequences.get(p / k));
                hyps.add(hypotheses.get(p % k));
            }
            ModelInput in = batch(tokenizer.encodeBatch(premises, hyps, opts), hyps);
            float[] logits = model.forward(ctx, in, null);
            for (int r = 0; r < in.batch(); r++) {
                out[from + r] = java.util.Arrays.copyOfRange(logits, r * l, (r + 1) * l);
            }
        }
        return out;
    }

    private ModelInput batch(List<Encoding> enc, List<String> hyps) {
        for (int i = 0; i < enc.size(); i++) {
            if (enc.get(i).length() > maxLength) {
                throw new UserException("the hypothesis '" + hyps.get(i) + "' leaves no room for the text within "
                        + maxLength + " tokens (truncation cuts the text only); use a shorter template or label");
            }
        }
        return BatchJson.pack(enc);
    }
}
