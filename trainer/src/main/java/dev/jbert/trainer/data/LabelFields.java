package dev.jbert.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads a row's label fields into a {@link RawLabel}; a malformed one is a {@link RowError}. */
final class LabelFields {
    private LabelFields() {
    }

    /**
     * A single label cell. Blank is a missing label, except with a delimiter, where it is the empty
     * set of labels (a multi-label row with no label).
     */
    static RawLabel cell(String value, String column, String delimiter) {
        if (value == null) {
            throw new RowError("missing label in column '" + column + "'");
        }
        TextChecks.valid(value, column);
        if (delimiter != null) {
            return new RawLabel.Names(split(value, delimiter));
        }
        String v = value.strip();
        if (v.isEmpty()) {
            throw new RowError("missing label in column '" + column + "'");
        }
        return new RawLabel.Scalar(v);
    }

    /** Names separated by the delimiter, each stripped of surrounding spaces, empty ones dropped. */
    static List<String> split(String value, String delimiter) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = value.indexOf(delimiter, from);
            String part = (at < 0 ? value.substring(from) : value.substring(from, at)).strip();
            if (!part.isEmpty()) {
                out.add(part);
            }
            if (at < 0) {
                return out;
            }
            from = at + delimiter.length();
        }
    }

    /** One cell of a 0/1 label column: a number in [0, 1]. */
    static float flag(String value, String column) {
        if (value == null || value.isBlank()) {
            throw new RowError("missing value in label column '" + column + "'");
        }
        String v = value.strip();
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new RowError("malformed number '" + shorten(v) + "' in label column '" + column
                    + "': expected 0 or 1");
        }
        if (!(d >= 0 && d <= 1)) {
            throw new RowError("value " + v + " in label column '" + column + "': expected 0 or 1");
        }
        return (float) d;
    }

    /** One JSON label field (see {@link JsonRows} for what each JSON type means). */
    static RawLabel json(JsonNode node, String field, String delimiter) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new RowError("missing label in field '" + field + "'");
        }
        if (node.isTextual()) {
            return cell(node.textValue(), field, delimiter);
        }
        if (node.isNumber()) {
            return new RawLabel.Scalar(node.asText());
        }
        if (node.isBoolean()) {
            return new RawLabel.Scalar(node.asText());
        }
        if (node.isArray()) {
            boolean numbers = true;
            boolean strings = true;
            for (JsonNode x : node) {
                numbers &= x.isNumber();
                strings &= x.isTextual();
            }
            if (node.isEmpty() || strings) {
                List<String> names = new ArrayList<>();
                for (JsonNode x : node) {
                    TextChecks.valid(x.textValue(), field);
                    names.add(x.textValue().strip());
                }
                return new RawLabel.Names(names);
            }
            if (numbers) {
                float[] v = new float[node.size()];
                for (int i = 0; i < v.length; i++) {
                    double d = node.get(i).asDouble();
                    if (!(d >= 0 && d <= 1)) {
                        throw new RowError("label in field '" + field + "': entry " + i + " is " + node.get(i)
                                + ", expected 0 or 1");
                    }
                    v[i] = (float) d;
                }
                return new RawLabel.Flags(v);
            }
            throw new RowError("label in field '" + field + "' is a list mixing numbers and names: expected a list of "
                    + "0/1 values or a list of label names");
        }
        throw new RowError("label in field '" + field + "' is an object: expected a class name or id, a list, or a "
                + "number");
    }

    /** A JSON 0/1 label field: a number or a numeric string in [0, 1]. */
    static float jsonFlag(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new RowError("missing value in label field '" + field + "'");
        }
        if (node.isNumber() || node.isTextual()) {
            return flag(node.asText(), field);
        }
        throw new RowError("label field '" + field + "' is " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + ": expected 0 or 1");
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
