package dev.jbert.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;

/**
 * Labels given as JSON, one entry per row: an integer class (single-label), a list of 0/1
 * values (multi-label) or a number (regression).
 */
public final class LabelsJson {
    private LabelsJson() {
    }

    /** The problem type the entries imply when the config does not say (HF's rule). */
    public static ProblemType infer(JsonNode labels, int numLabels) {
        if (numLabels == 1) {
            return ProblemType.REGRESSION;
        }
        JsonNode first = labels.size() > 0 ? labels.get(0) : null;
        if (first != null && first.isArray()) {
            return ProblemType.MULTI_LABEL_CLASSIFICATION;
        }
        if (first != null && first.isIntegralNumber()) {
            return ProblemType.SINGLE_LABEL_CLASSIFICATION;
        }
        return ProblemType.MULTI_LABEL_CLASSIFICATION;
    }

    /** Parses {@code labels} (a JSON array) for a batch of {@code rows} and L = numLabels. */
    public static Labels parse(JsonNode labels, ProblemType type, int rows, int numLabels, String source) {
        if (labels == null || !labels.isArray()) {
            throw new UserException(source + ": \"labels\" must be an array with one entry per row");
        }
        if (labels.size() != rows) {
            throw new UserException(source + ": " + labels.size() + " labels for a batch of " + rows + " rows");
        }
        switch (type) {
            case SINGLE_LABEL_CLASSIFICATION: {
                int[] v = new int[rows];
                for (int i = 0; i < rows; i++) {
                    JsonNode n = labels.get(i);
                    if (!n.isIntegralNumber() || n.asInt() < 0 || n.asInt() >= numLabels) {
                        throw new UserException(source + ": label of row " + i + " is " + n
                                + ", expected a class id in [0, " + numLabels + ")");
                    }
                    v[i] = n.asInt();
                }
                return new Labels.Classes(v);
            }
            case MULTI_LABEL_CLASSIFICATION: {
                float[][] v = new float[rows][numLabels];
                for (int i = 0; i < rows; i++) {
                    JsonNode n = labels.get(i);
                    if (!n.isArray() || n.size() != numLabels) {
                        throw new UserException(source + ": label of row " + i + " is " + n + ", expected a list of "
                                + numLabels + " values 0 or 1");
                    }
                    for (int j = 0; j < numLabels; j++) {
                        JsonNode x = n.get(j);
                        if (!x.isNumber() || x.asDouble() < 0 || x.asDouble() > 1) {
                            throw new UserException(source + ": label of row " + i + ", entry " + j + " is " + x
                                    + ", expected 0 or 1");
                        }
                        v[i][j] = (float) x.asDouble();
                    }
                }
                return new Labels.MultiHot(v);
            }
            default: {
                float[] v = new float[rows];
                for (int i = 0; i < rows; i++) {
                    JsonNode n = labels.get(i);
                    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
                        throw new UserException(source + ": label of row " + i + " is " + n + ", expected a number");
                    }
                    v[i] = (float) n.asDouble();
                }
                return new Labels.Targets(v);
            }
        }
    }
}
