package dev.jbert.trainer.data;

/** The checks every text field passes before it is tokenized; each failure is a {@link RowError}. */
final class TextChecks {
    private TextChecks() {
    }

    /**
     * The text of {@code column}, which must be present, not blank, and valid Unicode: no byte that
     * was invalid UTF-8 in the file and no unpaired surrogate (which a JSON escape such as
     * {@code "\ud800"} can produce).
     */
    static String text(String value, String column) {
        if (value == null) {
            throw new RowError("missing text in column '" + column + "'");
        }
        if (value.isBlank()) {
            throw new RowError("empty text in column '" + column + "'");
        }
        valid(value, column);
        return value;
    }

    /** Rejects invalid UTF-8 and unpaired surrogates in any field that is used. */
    static void valid(String value, String column) {
        int bad = firstInvalid(value);
        if (bad >= 0) {
            throw new RowError((value.charAt(bad) == Utf8Input.INVALID ? "invalid UTF-8" : "a lone surrogate (U+"
                    + String.format("%04X", (int) value.charAt(bad)) + ")") + " in column '" + column
                    + "' at character " + (bad + 1));
        }
    }

    /** Index of the first unpaired surrogate, or -1. */
    static int firstInvalid(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
