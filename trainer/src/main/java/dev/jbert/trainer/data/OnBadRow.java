package dev.jbert.trainer.data;

import java.util.Locale;

/** What to do with a bad row (missing or empty text, unknown label, malformed number, ...). */
public enum OnBadRow {
    /** Stop with a one-line error naming the file, the line and the problem (the default). */
    FAIL,
    /** Leave the row out, count it, and report the count with the first few reasons. */
    SKIP;

    /** Parses {@code fail} or {@code skip}. */
    public static OnBadRow parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "fail", "error" -> FAIL;
            case "skip" -> SKIP;
            default -> throw new IllegalArgumentException("on bad row: expected fail or skip, found '" + name + "'");
        };
    }
}
