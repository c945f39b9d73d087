package dev.jbert.trainer.predict;

import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.Batch;
import dev.jbert.trainer.data.BatchIterator;
import dev.jbert.trainer.data.BatchOptions;
import dev.jbert.trainer.data.Batcher;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSetEncoder;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.train.ClassifierSteps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a classifier in evaluation mode over inputs and returns one row of logits per input, in
 * input order. Inputs are tokenized as in training ({@code [CLS] text [SEP] (pair [SEP])},
 * longest-first truncation) and batched with dynamic padding.
 */
public final class Predictor {
    private final ClassifierSteps steps;
    private final BertTokenizer tokenizer;
    private final int maxLength;
    private final int batchSize;
    private final RunContext ctx;

    /** A predictor running {@code model}'s own layers on {@code backend}. */
    public Predictor(SequenceClassifier model, BertTokenizer tokenizer, int maxLength, int batchSize, Backend backend) {
        this(ClassifierSteps.onHost(model), tokenizer, maxLength, batchSize, backend);
    }

    /**
     * A predictor whose forward passes run where {@code steps} puts them (e.g. a device copy of the
     * model, sized for batches of {@code batchSize}); the caller closes {@code steps}.
     */
    public Predictor(ClassifierSteps steps, BertTokenizer tokenizer, int maxLength, int batchSize, Backend backend) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.steps = steps;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.ctx = new RunContext(backend).training(false).keepForBackward(false);
    }

    /** Logits {@code [N, L]} of texts (and pairs: null, or one per text). */
    public float[][] logits(List<String> texts, List<String> pairs) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            int to = Math.min(texts.size(), from + batchSize);
            ModelInput in = BatchJson.fromTexts(tokenizer, texts.subList(from, to),
                    pairs == null ? null : pairs.subList(from, to), maxLength);
            float[][] rows = run(in);
            System.arraycopy(rows, 0, out, from, rows.length);
        }
        return out;
    }

    /** Logits {@code [N, L]} of a data set's rows (tokenized here unless already), in its order. */
    public float[][] logits(DataSet data) {
        DataSet encoded = data.encoded() ? data : DataSetEncoder.encode(data, tokenizer, maxLength);
        Batcher batcher = new Batcher(encoded, BatchOptions.evaluation(batchSize));
        float[][] out = new float[encoded.size()][];
        BatchIterator it = batcher.epoch(0);
        while (it.hasNext()) {
            Batch b = it.next();
            float[][] rows = run(b.input());
            for (int i = 0; i < rows.length; i++) {
                out[b.rows()[i]] = rows[i];
            }
        }
        return out;
    }

    private float[][] run(ModelInput in) {
        float[] logits = steps.forward(ctx, in);
        int l = steps.model().numLabels();
        List<float[]> rows = new ArrayList<>(in.batch());
        for (int i = 0; i < in.batch(); i++) {
            rows.add(Arrays.copyOfRange(logits, i * l, (i + 1) * l));
        }
        return rows.toArray(new float[0][]);
    }
}
