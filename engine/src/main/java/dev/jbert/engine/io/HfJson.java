package dev.jbert.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON tree exactly as Hugging Face writes {@code config.json} and index files, i.e.
 * Python's {@code json.dumps(obj, indent=2, sort_keys=True)}: keys sorted, two-space indent,
 * {@code ": "} between key and value, one array element per line, non-ASCII characters as
 * {@code \\uXXXX}, and floats as Python's {@code repr} prints them ({@code 1e-12}, {@code 0.1},
 * {@code 2.0}). An unchanged file thus reads back and writes out byte for byte the same.
 */
public final class HfJson {
    private HfJson() {
    }

    /** The text, without a trailing newline (Hugging Face appends one). */
    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, 0, out);
        return out.toString();
    }

    private static void write(JsonNode node, int depth, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                if (node.isEmpty()) {
                    out.append("{}");
                    return;
                }
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
                fields.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < fields.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n");
                    indent(depth + 1, out);
                    quote(fields.get(i).getKey(), out);
                    out.append(": ");
                    write(fields.get(i).getValue(), depth + 1, out);
                }
                out.append('\n');
                indent(depth, out);
                out.append('}');
            }
            case ARRAY -> {
                if (node.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n");
                    indent(depth + 1, out);
                    write(node.get(i), depth + 1, out);
                }
                out.append('\n');
                indent(depth, out);
                out.append(']');
            }
            case STRING -> quote(node.textValue(), out);
            case NUMBER -> out.append(node.isFloatingPointNumber() ? pythonFloat(node.doubleValue()) : node.bigIntegerValue().toString());
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("cannot write a JSON node of type " + node.getNodeType());
        }
    }

    private static void indent(int depth, StringBuilder out) {
        out.repeat("  ", depth);
    }

    /** A JSON string literal as Python writes it with {@code ensure_ascii=True}. */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    public static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        // the shortest decimal that reads back as v, and of those the closest: what repr prints
        BigDecimal exact = new BigDecimal(Math.abs(v));
        BigDecimal d = exact;
        for (int n = 1; n <= 17; n++) {
            d = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
            if (d.doubleValue() == Math.abs(v)) {
                break;
            }
        }
        d = d.stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int decpt = digits.length() - d.scale(); // value = 0.DIGITS x 10^decpt
        StringBuilder out = new StringBuilder(v < 0 ? "-" : "");
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                out.append("0.").repeat("0", -decpt).append(digits);
            } else if (decpt >= digits.length()) {
                out.append(digits).repeat("0", decpt - digits.length()).append(".0");
            } else {
                out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            out.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            out.append(e.length() < 2 ? "0" + e : e);
        }
        return out.toString();
    }
}
