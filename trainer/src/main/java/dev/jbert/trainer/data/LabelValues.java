package dev.jbert.trainer.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How label values written as text are compared and ordered, following Python's
 * {@code sorted(set(labels))} on what pandas would have parsed: integers in numeric order, other
 * numbers in numeric order, anything else as strings in code point order.
 */
final class LabelValues {
    /** A decimal number as pandas and Python's {@code float()} read it (no hex, no suffixes). */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final double MAX_EXACT = 9.007199254740992E15; // 2^53

    private LabelValues() {
    }

    /** The finite number the text spells, or null. */
    static Double number(String s) {
        String t = s.strip();
        if (!NUMBER.matcher(t).matches()) {
            return null;
        }
        double d = Double.parseDouble(t);
        return Double.isFinite(d) ? d : null;
    }

    /** The integer the text spells ({@code 3}, {@code +03}, {@code 3.0}), or null. */
    static Long integer(String s) {
        Double d = number(s);
        if (d == null || d != Math.rint(d) || Math.abs(d) > MAX_EXACT) {
            return null;
        }
        return d.longValue();
    }

    /** Integers in their plain spelling ({@code 3.0} and {@code 03} are both {@code 3}); the rest as given. */
    static String canonical(String s) {
        Long i = integer(s);
        return i != null ? Long.toString(i) : s.strip();
    }

    /** The distinct values in Python's sorted order (see the class comment), each canonical. */
    static List<String> sorted(Collection<String> values) {
        Set<String> distinct = new LinkedHashSet<>();
        boolean integers = true;
        boolean numbers = true;
        for (String v : values) {
            String c = canonical(v);
            distinct.add(c);
            integers &= integer(c) != null;
            numbers &= number(c) != null;
        }
        List<String> out = new ArrayList<>(distinct);
        if (integers) {
            out.sort(Comparator.comparingLong(LabelValues::integer));
        } else if (numbers) {
            out.sort(Comparator.comparingDouble(LabelValues::number));
        } else {
            out.sort(LabelValues::compareCodePoints);
        }
        return out;
    }

    /** Python's string order: by Unicode code point (Java's {@code compareTo} orders UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
