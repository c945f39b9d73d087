package dev.jbert.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;

/** Reading the golden files and comparing with them. */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    public static SequenceClassifier loadClassifier(Path dir) {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        SequenceClassifier model = new SequenceClassifier(config);
        try (Checkpoint ckpt = Checkpoint.open(dir.resolve("model.safetensors"))) {
            CheckpointMapper.LoadReport r = CheckpointMapper.load(ckpt, model.parameters(),
                    model.encoder().prefix(), new HashSet<>());
            assertTrue(r.newlyInitialized().isEmpty(), "newly initialised: " + r.newlyInitialized());
            assertTrue(r.unused().isEmpty(), "unused: " + r.unused());
        }
        return model;
    }

    public static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    public static ModelInput inputs(Path file) throws IOException {
        JsonNode n = json(file);
        return ModelInput.of(ints(n.get("input_ids")), ints(n.get("attention_mask")),
                n.has("token_type_ids") ? ints(n.get("token_type_ids")) : null);
    }

    /**
     * The labels of one golden head ({@code single_label}, {@code multi_label} or {@code regression})
     * from {@code inputs.json}'s {@code labels} object: class indices, multi-hot rows, or targets.
     */
    public static Labels labels(JsonNode inputs, String head) {
        JsonNode l = inputs.get("labels").get(head);
        switch (head) {
            case "single_label": {
                int[] v = new int[l.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = l.get(i).asInt();
                }
                return new Labels.Classes(v);
            }
            case "multi_label": {
                float[][] rows = new float[l.size()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = new float[l.get(i).size()];
                    for (int j = 0; j < rows[i].length; j++) {
                        rows[i][j] = (float) l.get(i).get(j).asDouble();
                    }
                }
                return new Labels.MultiHot(rows);
            }
            default: {
                float[] v = new float[l.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) l.get(i).asDouble();
                }
                return new Labels.Targets(v);
            }
        }
    }

    /** The problem type of one golden head ({@code single_label}, {@code multi_label} or {@code regression}). */
    public static ProblemType problem(String head) {
        return switch (head) {
            case "single_label" -> ProblemType.SINGLE_LABEL_CLASSIFICATION;
            case "multi_label" -> ProblemType.MULTI_LABEL_CLASSIFICATION;
            default -> ProblemType.REGRESSION;
        };
    }

    public static int[][] ints(JsonNode rows) {
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode r = rows.get(i);
            out[i] = new int[r.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = r.get(j).asInt();
            }
        }
        return out;
    }

    /** max |actual − golden| ≤ tol over the golden tensor's elements. */
    public static void assertClose(Checkpoint want, String name, float[] actual, double tol) {
        Tensor g = want.readFloat(name);
        float[] w = g.data();
        assertTrue(actual.length >= w.length, name + ": have " + actual.length + " values, golden " + w.length);
        double max = 0;
        int at = -1;
        for (int i = 0; i < w.length; i++) {
            double d = Math.abs((double) actual[i] - w[i]);
            if (!(d <= max)) {
                max = d;
                at = i;
            }
        }
        final double worst = max;
        final int where = at;
        assertTrue(worst <= tol, () -> name + ": max |Δ| = " + worst + " at flat index " + where
                + " (have " + actual[where] + ", golden " + w[where] + "), tolerance " + tol);
    }

    public static double maxAbs(float[] a, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    public static void assertSize(int expected, int actual, String what) {
        assertEquals(expected, actual, what);
    }
}
