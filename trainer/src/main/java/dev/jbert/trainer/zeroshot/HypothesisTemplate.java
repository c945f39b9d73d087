package dev.jbert.trainer.zeroshot;

import dev.jbert.cli.UserException;

/**
 * The sentence that turns a candidate label into an NLI hypothesis, {@code "This example is {}."} by
 * default. It is applied as Python's {@code str.format(label)} is in Hugging Face's pipeline: the
 * field {@code {}} (once) or {@code {0}} (any number of times) is replaced by the label, and
 * {@code {{} / {@code }}} stand for literal braces. A template without a field is refused, as the
 * pipeline refuses it; other fields ({@code {name}}, a second {@code {}}) are refused, as
 * {@code format} with one argument would fail on them.
 */
public record HypothesisTemplate(String pattern) {
    /** Hugging Face's default. */
    public static final String DEFAULT = "This example is {}.";

    public HypothesisTemplate {
        if (pattern == null) {
            throw new UserException("--template: expected a sentence with {} where the label goes, found none");
        }
        format(pattern, null); // validates
        if (fields(pattern) == 0) {
            throw new UserException("--template: '" + pattern + "' has no {} where the label goes; expected e.g. '"
                    + DEFAULT + "'");
        }
    }

    public static HypothesisTemplate defaults() {
        return new HypothesisTemplate(DEFAULT);
    }

    /** The hypothesis for one label. */
    public String hypothesis(String label) {
        return format(pattern, label);
    }

    /** How many replacement fields a (valid) pattern has. */
    private static int fields(String pattern) {
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
                i++;
            } else if (c == '{') {
                n++;
            }
        }
        return n;
    }

    /** Python's {@code pattern.format(label)} for the fields {@code {}} and {@code {0}}; a null label only checks. */
    private static String format(String pattern, String label) {
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        boolean auto = false;
        boolean numbered = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean doubled = i + 1 < pattern.length() && pattern.charAt(i + 1) == c;
            if ((c == '{' || c == '}') && doubled) {
                out.append(c);
                i++;
            } else if (c == '}') {
                throw new UserException("--template: '" + pattern + "' has a single '}' at position " + (i + 1)
                        + "; write }} for a literal brace");
            } else if (c == '{') {
                int end = pattern.indexOf('}', i + 1);
                if (end < 0) {
                    throw new UserException("--template: '" + pattern + "' has a '{' at position " + (i + 1)
                            + " that is never closed; write {{ for a literal brace");
                }
                String field = pattern.substring(i + 1, end);
                if (field.isEmpty()) {
                    if (auto || numbered) {
                        throw new UserException("--template: '" + pattern + "' has more than one {}; the label "
                                + "goes in one place (use {0} to repeat it)");
                    }
                    auto = true;
                } else if (field.equals("0")) {
                    if (auto) {
                        throw new UserException("--template: '" + pattern + "' mixes {} and {0}; use one of them");
                    }
                    numbered = true;
                } else {
                    throw new UserException("--template: '" + pattern + "' has the field {" + field
                            + "}; only {} (or {0}) is replaced, by the label");
                }
                if (label != null) {
                    out.append(label);
                }
                i = end;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
