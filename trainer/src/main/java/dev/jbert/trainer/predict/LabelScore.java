package dev.jbert.trainer.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One entry of the text-classification pipeline's output, {@code {"label": ..., "score": ...}}.
 */
public record LabelScore(String label, double score) {

    /**
     * The pipeline's list for one input: every label with its score, sorted by score (highest first;
     * equal scores keep label order, as Python's stable sort), cut to {@code topK} (0: all), then
     * those scoring at least {@code threshold} (NaN: no threshold).
     */
    public static List<LabelScore> ranked(float[] scores, List<String> names, int topK, double threshold) {
        List<LabelScore> all = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            all.add(new LabelScore(names.get(i), scores[i]));
        }
        all.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        List<LabelScore> out = topK > 0 && topK < all.size() ? new ArrayList<>(all.subList(0, topK)) : all;
        if (!Double.isNaN(threshold)) {
            out.removeIf(ls -> !(ls.score() >= threshold));
        }
        return out;
    }
}
