package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A {@code POST /predict} body: {@code {"text": "..."}} or {@code {"texts": ["...", ...]}}, and
 * optionally {@code "top_k"} (labels per text: default all) and {@code "threshold"} (keep labels
 * scoring at least this), as the {@code predict} command's {@code --top-k} and {@code --threshold}.
 *
 * @param texts  the texts, in order
 * @param single the body gave one {@code "text"} (the answer is one list, not a list of lists)
 * @param topK   labels per text, 0 for all
 * @param threshold NaN for none
 */
public record PredictRequest(List<String> texts, boolean single, int topK, double threshold) {
    static final List<String> FIELDS = List.of("text", "texts", "top_k", "threshold");

    /** Reads and checks a request body. */
    public static PredictRequest parse(JsonNode body, ServeOptions limits) {
        RequestFields.allowOnly(body, FIELDS);
        boolean hasText = body.has("text");
        boolean hasTexts = body.has("texts");
        if (hasText == hasTexts) {
            throw ApiException.badRequest(hasText ? "give \"text\" or \"texts\", not both"
                    : "missing \"text\" (a string) or \"texts\" (an array of strings)");
        }
        List<String> texts = hasText
                ? List.of(RequestFields.text(body.get("text"), "\"text\"", limits.maxTextChars()))
                : RequestFields.texts(body.get("texts"), "texts", limits.maxBatch(), limits.maxTextChars());
        return new PredictRequest(texts, hasText, RequestFields.positiveInt(body, "top_k"),
                RequestFields.probability(body, "threshold"));
    }
}
