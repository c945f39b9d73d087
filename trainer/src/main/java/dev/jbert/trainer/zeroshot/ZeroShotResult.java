package dev.jbert.trainer.zeroshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the zero-shot pipeline returns for one sequence: {@code {"sequence": ..., "labels": [...],
 * "scores": [...]}}, the labels sorted by score, highest first.
 */
public record ZeroShotResult(String sequence, List<String> labels, double[] scores) {
    public ZeroShotResult {
        labels = List.copyOf(labels);
        scores = scores.clone();
        if (labels.size() != scores.length) {
            throw new IllegalArgumentException(labels.size() + " labels but " + scores.length + " scores");
        }
    }

    /**
     * Ranks the candidate labels by score as the pipeline does ({@code reversed(scores.argsort())}):
     * highest first; equal scores come out in reverse label order, as NumPy's sort (stable for the
     * short arrays zero-shot uses) followed by the reversal puts them.
     */
    public static ZeroShotResult ranked(String sequence, CandidateLabels candidates, double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[order.length - 1 - i] = i;
        }
        // a stable sort of the reversed index list, descending: ties keep the later label first
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<String> labels = new ArrayList<>(scores.length);
        double[] sorted = new double[scores.length];
        for (int i = 0; i < order.length; i++) {
            labels.add(candidates.get(order[i]));
            sorted[i] = scores[order[i]];
        }
        return new ZeroShotResult(sequence, labels, sorted);
    }

    /** The best label. */
    public String top() {
        return labels.getFirst();
    }

    /** The score of a label, or NaN when it is not a candidate. */
    public double score(String label) {
        int i = labels.indexOf(label);
        return i < 0 ? Double.NaN : scores[i];
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("sequence", sequence);
        ArrayNode l = o.putArray("labels");
        labels.forEach(l::add);
        ArrayNode s = o.putArray("scores");
        for (double d : scores) {
            s.add(d);
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroShotResult r && r.sequence.equals(sequence) && r.labels.equals(labels)
                && java.util.Arrays.equals(r.scores, scores);
    }

    @Override
    public int hashCode() {
        return sequence.hashCode() * 31 + labels.hashCode();
    }

    @Override
    public String toString() {
        return "ZeroShotResult[" + sequence + ", " + labels + ", " + java.util.Arrays.toString(scores) + "]";
    }
}
