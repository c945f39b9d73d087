package dev.jbert.trainer.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.UserException;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Predictions made anywhere, to be scored by {@code jbert eval --predictions}: JSON lines
 * {@code {"label": ..., "scores": [...]}} (blank lines skipped).
 * <ul>
 *   <li>single-label: {@code label} a class id in {@code 0..L-1}, {@code scores} one probability per
 *       class (L from the first line, at least 2);</li>
 *   <li>multi-label: {@code label} a list of 0/1 values, {@code scores} one probability per label, as
 *       many;</li>
 *   <li>regression: {@code label} a number, {@code scores} the prediction, as a number or a list of
 *       one.</li>
 * </ul>
 * Any other line is an error naming the file, the line and what was expected.
 *
 * @param labels the true labels
 * @param scores {@code [N, L]} scores (regression: {@code [N, 1]})
 */
public record PredictionsFile(Labels labels, float[][] scores) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public int numLabels() {
        return scores[0].length;
    }

    public static PredictionsFile read(Path file, ProblemType type) {
        List<float[]> scores = new ArrayList<>();
        List<Object> labels = new ArrayList<>();
        int width = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lineNo;
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new UserException(where + ": malformed JSON: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
                }
                if (row == null || !row.isObject()) {
                    throw new UserException(where + ": expected an object {\"label\": ..., \"scores\": [...]}");
                }
                float[] s = scores(row.get("scores"), type, where);
                if (width < 0) {
                    width = s.length;
                    if (type == ProblemType.SINGLE_LABEL_CLASSIFICATION && width < 2) {
                        throw new UserException(where + ": \"scores\" has " + width
                                + " value(s): expected one probability per class, at least 2");
                    }
                } else if (s.length != width) {
                    throw new UserException(where + ": \"scores\" has " + s.length + " values, the first line has "
                            + width);
                }
                labels.add(label(row.get("label"), type, width, where));
                scores.add(s);
            }
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new UserException(file + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (scores.isEmpty()) {
            throw new UserException(file + ": no predictions (expected one JSON object per line)");
        }
        return new PredictionsFile(toLabels(labels, type), scores.toArray(new float[0][]));
    }

    private static float[] scores(JsonNode n, ProblemType type, String where) {
        if (n == null || n.isNull()) {
            throw new UserException(where + ": missing \"scores\"");
        }
        if (type == ProblemType.REGRESSION && n.isNumber()) {
            return new float[] {finite(n, "scores", where)};
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new UserException(where + ": \"scores\" is " + shorten(n) + ", expected a non-empty list of numbers");
        }
        if (type == ProblemType.REGRESSION && n.size() != 1) {
            throw new UserException(where + ": \"scores\" has " + n.size() + " values, expected one prediction");
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finite(n.get(i), "scores[" + i + "]", where);
        }
        return out;
    }

    private static Object label(JsonNode n, ProblemType type, int width, String where) {
        if (n == null || n.isNull()) {
            throw new UserException(where + ": missing \"label\"");
        }
        switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> {
                if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0 || n.asInt() >= width) {
                    throw new UserException(where + ": \"label\" is " + shorten(n) + ", expected a class id in 0.."
                            + (width - 1));
                }
                return n.asInt();
            }
            case MULTI_LABEL_CLASSIFICATION -> {
                if (!n.isArray() || n.size() != width) {
                    throw new UserException(where + ": \"label\" is " + shorten(n) + ", expected a list of " + width
                            + " values 0 or 1 (one per score)");
                }
                float[] v = new float[width];
                for (int j = 0; j < width; j++) {
                    JsonNode x = n.get(j);
                    if (!x.isNumber() || (x.asDouble() != 0 && x.asDouble() != 1)) {
                        throw new UserException(where + ": \"label\"[" + j + "] is " + shorten(x) + ", expected 0 or 1");
                    }
                    v[j] = (float) x.asDouble();
                }
                return v;
            }
            default -> {
                return finite(n, "label", where);
            }
        }
    }

    private static float finite(JsonNode n, String field, String where) {
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new UserException(where + ": \"" + field + "\" is " + shorten(n) + ", expected a finite number");
        }
        return (float) n.asDouble();
    }

    private static Labels toLabels(List<Object> labels, ProblemType type) {
        int n = labels.size();
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (Integer) labels.get(i);
                }
                yield new Labels.Classes(v);
            }
            case MULTI_LABEL_CLASSIFICATION -> {
                float[][] v = new float[n][];
                for (int i = 0; i < n; i++) {
                    v[i] = (float[]) labels.get(i);
                }
                yield new Labels.MultiHot(v);
            }
            case REGRESSION -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (Float) labels.get(i);
                }
                yield new Labels.Targets(v);
            }
        };
    }

    private static String shorten(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
