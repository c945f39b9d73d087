package dev.jbert.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The fields of a pre-tokenized JSON row: {@code input_ids} (required, not empty),
 * {@code token_type_ids} and {@code attention_mask} (optional, as long as {@code input_ids}; the mask
 * holds 0 or 1). A malformed one is a {@link RowError}.
 */
final class PreTokenizedFields {
    static final String INPUT_IDS = "input_ids";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final List<String> NAMES = List.of(INPUT_IDS, TOKEN_TYPE_IDS, ATTENTION_MASK);

    private PreTokenizedFields() {
    }

    /** Reads the three fields into a row with the given line and label. */
    static RawRow read(JsonNode obj, long line, RawLabel label) {
        int[] ids = ints(obj.get(INPUT_IDS), INPUT_IDS, -1, true);
        if (ids.length == 0) {
            throw new RowError("empty " + INPUT_IDS + ": expected at least one token id");
        }
        int[] types = ints(obj.get(TOKEN_TYPE_IDS), TOKEN_TYPE_IDS, ids.length, false);
        int[] mask = ints(obj.get(ATTENTION_MASK), ATTENTION_MASK, ids.length, false);
        if (mask != null) {
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != 0 && mask[i] != 1) {
                    throw new RowError(ATTENTION_MASK + ": entry " + i + " is " + mask[i] + ", expected 0 or 1");
                }
            }
        }
        return new RawRow(line, null, null, label, ids, types, mask);
    }

    private static int[] ints(JsonNode node, String field, int length, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw new RowError("missing " + field + ": expected a list of token ids");
            }
            return null;
        }
        if (!node.isArray()) {
            throw new RowError(field + " is " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", expected a list of integers");
        }
        if (length >= 0 && node.size() != length) {
            throw new RowError(field + " has " + node.size() + " values, expected " + length + " (one per input id)");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = node.get(i);
            if (!x.canConvertToInt() || !x.isIntegralNumber() || x.intValue() < 0) {
                throw new RowError(field + ": entry " + i + " is " + LabelFields.shorten(x.toString())
                        + ", expected a non-negative integer");
            }
            out[i] = x.intValue();
        }
        return out;
    }
}
