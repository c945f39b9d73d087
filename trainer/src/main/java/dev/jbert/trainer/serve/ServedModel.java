package dev.jbert.trainer.serve;

import dev.jbert.cli.UserException;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.predict.LabelScore;
import dev.jbert.trainer.predict.Predictor;
import dev.jbert.trainer.predict.ScoreFunction;
import dev.jbert.trainer.zeroshot.NliLabels;
import dev.jbert.trainer.zeroshot.ZeroShotClassifier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classifier a server answers with: a model folder loaded once, run through the {@code predict}
 * command's {@link Predictor} (same tokenization, truncation and scores), and what the API says
 * about it.
 */
public final class ServedModel implements BatchModel {
    private final Path dir;
    private final ModelConfig config;
    private final BertTokenizer tokenizer;
    private final int maxLength;
    private final Predictor predictor;
    private final ScoreFunction scores;
    private final ZeroShotClassifier zeroShot;

    private ServedModel(Path dir, ModelConfig config, BertTokenizer tokenizer, int maxLength, Predictor predictor,
                        ZeroShotClassifier zeroShot) {
        this.dir = dir;
        this.config = config;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.predictor = predictor;
        this.scores = ScoreFunction.DEFAULT.resolve(config.problemType(), config.numLabels());
        this.zeroShot = zeroShot;
    }

    /**
     * Loads a fine-tuned model folder (a classification head is required) for batches of up to
     * {@code maxBatch} inputs. The maximum length is the model's and its tokenizer's.
     */
    public static ServedModel load(Path dir, Backend backend, int maxBatch, PrintStream log) {
        ModelFolder folder = ModelFolder.open(dir);
        ModelConfig config = folder.config();
        if (!folder.hasClassifierHead()) {
            throw new UserException(dir + ": the model has no classification head (classifier.weight):"
                    + " fine-tune it first with jbert train");
        }
        BertTokenizer tokenizer = folder.tokenizer();
        int tokMax = tokenizer.modelMaxLength();
        int maxLength = Math.min(config.maxPositionEmbeddings(), tokMax > 0 ? tokMax : Integer.MAX_VALUE);
        SequenceClassifier classifier = folder.loadClassifier(config, 42, log);
        Predictor predictor = new Predictor(classifier, tokenizer, maxLength, maxBatch, backend);
        // an NLI model also classifies zero-shot: the same weights, run by the same (model) thread
        ZeroShotClassifier zeroShot = NliLabels.isNli(config)
                ? new ZeroShotClassifier(classifier, tokenizer, maxLength, maxBatch, backend) : null;
        return new ServedModel(dir, config, tokenizer, maxLength, predictor, zeroShot);
    }

    @Override
    public float[][] logits(List<TextInput> inputs) {
        List<String> texts = new ArrayList<>(inputs.size());
        List<String> pairs = new ArrayList<>(inputs.size());
        boolean anyPair = false;
        for (TextInput in : inputs) {
            texts.add(in.text());
            pairs.add(in.pair());
            anyPair |= in.pair() != null;
        }
        return predictor.logits(texts, anyPair ? pairs : null);
    }

    /** True when the input has more tokens ({@code [CLS]} and {@code [SEP]} included) than the model takes. */
    public boolean truncated(TextInput in) {
        int n = tokenizer.ids(in.text()).length + 2;
        if (in.pair() != null) {
            n += tokenizer.ids(in.pair()).length + 1;
        }
        return n > maxLength;
    }

    /** One row of logits as the {@code predict} output: labels with scores, sorted (topK 0: all; NaN: no threshold). */
    public List<LabelScore> ranked(float[] logits, int topK, double threshold) {
        return LabelScore.ranked(scores.apply(logits), config.labels(), topK, threshold);
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    /** The function that turns logits into scores: softmax, or sigmoid for multi-label models and one output. */
    public ScoreFunction scoreFunction() {
        return scores;
    }

    public boolean multiLabel() {
        return config.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION;
    }

    /** An NLI model (its labels name entailment) classifies zero-shot too. */
    public boolean nli() {
        return zeroShot != null;
    }

    /**
     * The zero-shot classifier of an NLI model (sharing this model's weights: call it on the model's
     * thread only), or null.
     */
    public ZeroShotClassifier zeroShot() {
        return zeroShot;
    }
}
