package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.data.ClassWeights;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSetEncoder;
import dev.jbert.trainer.data.DataSets;
import dev.jbert.trainer.data.DataSpec;
import dev.jbert.trainer.data.DataSplit;
import dev.jbert.trainer.data.DataSummary;
import dev.jbert.trainer.data.KnownLabels;
import dev.jbert.trainer.data.LabelSet;
import dev.jbert.trainer.data.Rebalance;
import dev.jbert.trainer.data.ValidationSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data of a training run, read and prepared in this order: the training file (its labels decided
 * with what the model knows), the validation file under the same labels or a held-out fraction of the
 * training rows, optional undersampling of the training rows, optional loss weights, and tokenization
 * of both sets.
 *
 * @param train        tokenized training rows
 * @param validation   tokenized validation rows, or null
 * @param labels       the label set (problem type and names in id order)
 * @param classWeights single-label class weights for the loss, or null
 * @param posWeight    multi-label positive weights for the loss, or null
 * @param skippedRows  bad rows skipped in all files
 * @param description  human lines about what was read, for stderr
 */
public record TrainingData(DataSet train, DataSet validation, LabelSet labels, float[] classWeights,
                           float[] posWeight, int skippedRows, List<String> description) {

    /**
     * What to read and how.
     *
     * @param trainFile       the training file
     * @param validationFile  a validation file, or null
     * @param validationSplit a fraction of the training rows to hold out instead, or null
     * @param spec            columns, format, problem type, bad rows
     * @param known           what the starting model's config says about labels
     * @param dataSeed        the seed of the split and the rebalancing
     * @param rebalance       undersample the larger classes
     * @param classWeights    "none" or "balanced"
     * @param tokenizer       the model's tokenizer
     * @param maxLength       truncation in tokens
     */
    public record Request(Path trainFile, Path validationFile, Double validationSplit, DataSpec spec, KnownLabels known,
                          long dataSeed, boolean rebalance, String classWeights, BertTokenizer tokenizer, int maxLength) {
    }

    public static TrainingData load(Request r) {
        if (r.validationFile() != null && r.validationSplit() != null) {
            throw new UserException("give either --validation FILE or --validation-split FRACTION, not both");
        }
        String weights = r.classWeights() == null ? "none" : r.classWeights().strip().toLowerCase(Locale.ROOT);
        if (!weights.equals("none") && !weights.equals("balanced")) {
            throw new UserException("--class-weights: expected none or balanced, found '" + r.classWeights() + "'");
        }
        DataSet train = DataSets.read(r.trainFile(), r.spec(), r.known());
        if (!train.labelled()) {
            throw new UserException(r.trainFile() + ": the training data has no labels");
        }
        LabelSet labels = train.labelSet();
        DataSet validation = null;
        if (r.validationFile() != null) {
            validation = DataSets.read(r.validationFile(), r.spec(), labels);
        } else if (r.validationSplit() != null) {
            DataSplit split = ValidationSplit.split(train, r.validationSplit(), r.dataSeed());
            train = split.train();
            validation = split.validation();
        }
        if (r.rebalance()) {
            train = Rebalance.undersample(train, r.dataSeed());
        }
        float[] classWeights = null;
        float[] posWeight = null;
        if (weights.equals("balanced")) {
            switch (labels.problemType()) {
                case SINGLE_LABEL_CLASSIFICATION -> classWeights = ClassWeights.balanced(train);
                case MULTI_LABEL_CLASSIFICATION -> posWeight = ClassWeights.positiveWeights(train);
                case REGRESSION -> throw new UserException("--class-weights balanced needs class labels, "
                        + "but the problem is regression");
            }
        }
        List<String> lines = new ArrayList<>(DataSummary.of(train).describe());
        lines.set(0, "train: " + lines.getFirst());
        if (validation != null) {
            List<String> v = new ArrayList<>(DataSummary.of(validation).describe());
            v.set(0, "validation: " + v.getFirst());
            if (r.validationFile() == null) {
                v = v.subList(0, 1); // a split shares the training file's bad rows, listed above
            }
            lines.addAll(v);
        }
        train = DataSetEncoder.encode(train, r.tokenizer(), r.maxLength());
        if (validation != null) {
            validation = DataSetEncoder.encode(validation, r.tokenizer(), r.maxLength());
        }
        int skipped = train.badRows().skipped() + (r.validationFile() != null ? validation.badRows().skipped() : 0);
        return new TrainingData(train, validation, labels, classWeights, posWeight, skipped, List.copyOf(lines));
    }
}
