package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Checks of a request object's fields, each failing with a 400 (413 for limits) that names the field. */
final class RequestFields {
    private RequestFields() {
    }

    /** Refuses any field not in {@code allowed} (a misspelt field would otherwise be silently ignored). */
    static void allowOnly(JsonNode obj, List<String> allowed) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown field \"" + name + "\": expected "
                        + String.join(", ", allowed.stream().map(a -> "\"" + a + "\"").toList()));
            }
        }
    }

    static boolean present(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        return n != null && !n.isNull();
    }

    /** A text: a non-blank string of at most {@code maxChars} characters. */
    static String text(JsonNode n, String where, int maxChars) {
        if (n == null || !n.isTextual()) {
            throw ApiException.badRequest(where + ": expected a string, found " + RequestBody.kind(n));
        }
        String s = n.textValue();
        if (s.isBlank()) {
            throw ApiException.badRequest(where + ": empty text");
        }
        if (s.length() > maxChars) {
            throw ApiException.tooLarge(where + ": " + s.length() + " characters, more than " + maxChars
                    + " (--max-text-chars)");
        }
        return s;
    }

    /** A non-empty array of at most {@code max} texts. */
    static List<String> texts(JsonNode n, String field, int max, int maxChars) {
        if (n == null || !n.isArray()) {
            throw ApiException.badRequest("\"" + field + "\": expected an array of strings, found " + RequestBody.kind(n));
        }
        if (n.isEmpty()) {
            throw ApiException.badRequest("\"" + field + "\": empty array: give at least one text");
        }
        if (n.size() > max) {
            throw ApiException.tooLarge("\"" + field + "\": " + n.size() + " texts, more than " + max
                    + " in one request (--max-batch)");
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(text(n.get(i), "\"" + field + "\"[" + i + "]", maxChars));
        }
        return out;
    }

    /** An optional positive integer; 0 when absent or null. */
    static int positiveInt(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw ApiException.badRequest("\"" + field + "\": expected a positive integer, found " + n);
        }
        return n.intValue();
    }

    /** An optional number from 0 to 1; NaN when absent or null. */
    static double probability(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (!n.isNumber() || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
            throw ApiException.badRequest("\"" + field + "\": expected a number from 0 to 1, found " + n);
        }
        return n.doubleValue();
    }

    /** An optional boolean. */
    static boolean bool(JsonNode obj, String field, boolean fallback) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("\"" + field + "\": expected true or false, found " + n);
        }
        return n.booleanValue();
    }
}
